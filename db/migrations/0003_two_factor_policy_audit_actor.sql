ALTER TABLE "users" ADD COLUMN "activation_letter_sent_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "audit_actor_idx" ON "audit_log" USING btree ("actor_id","created_at");--> statement-breakpoint
-- "Enable 2FA" moves from the account settings to the two-factor settings (one place only). A site
-- that had it on keeps asking only the accounts switched on individually, as it did before.
INSERT INTO "settings" ("key", "value")
SELECT 'twoFactor', jsonb_build_object('enable2fa', "value"->'enable2fa', 'requireFor', 'individual')
FROM "settings" WHERE "key" = 'account' AND "value" ? 'enable2fa'
ON CONFLICT ("key") DO UPDATE SET "value" = "settings"."value" || excluded."value";
--> statement-breakpoint
UPDATE "settings" SET "value" = "value" - 'enable2fa' WHERE "key" = 'account';
--> statement-breakpoint
-- Entries written by the daily job and at start-up name the system as their actor.
UPDATE "audit_log" SET "actor_id" = 'system' WHERE "actor_id" IS NULL AND "action" IN ('account.blocking_notice_sent', 'account.made_admin');
--> statement-breakpoint
-- Accounts activated before the letter's date was recorded had their letter at activation.
UPDATE "users" SET "activation_letter_sent_at" = "activated_at" WHERE "activated_at" IS NOT NULL;
