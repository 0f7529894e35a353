/** The one page width: the header, the banners and the page body line up on every screen. */
export const container = "mx-auto w-full max-w-6xl px-4";
