ALTER TABLE "sessions" DROP COLUMN "manager_verified_at";--> statement-breakpoint
ALTER TABLE "sign_in_challenges" DROP COLUMN "session_id";