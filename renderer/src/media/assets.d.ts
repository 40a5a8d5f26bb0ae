/** Vite asset URLs that are never inlined as data: URLs (the page's CSP does not let it fetch those). */
declare module '*?url&no-inline' {
  const url: string;
  export default url;
}
