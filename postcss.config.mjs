// Tailwind CSS 4 through PostCSS, the way Next builds stylesheets.
const config = { plugins: { "@tailwindcss/postcss": {} } };

export default config;
