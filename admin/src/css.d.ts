// Stylesheets imported from scripts (a chart library's own CSS): Vite bundles them.
declare module "*.css";
