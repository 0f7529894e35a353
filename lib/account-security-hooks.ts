import "server-only";
// Things every credential reset must also undo. Trusted devices (T4) register their cleanup here.

/** Forgets every trusted device of the account (no-op until trusted devices exist). */
export async function forgetAllTrustedDevices(_userId: string): Promise<void> {}
