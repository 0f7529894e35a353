"use client";
// Shown when even the root layout fails: the same branded message as error.tsx, in a document of its own.
import "./globals.css";
import ErrorPage from "./error";

export default function GlobalError(props: { error: Error; reset: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen">
        <ErrorPage {...props} />
      </body>
    </html>
  );
}
