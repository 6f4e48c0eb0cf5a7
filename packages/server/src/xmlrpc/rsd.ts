import { escapeXml } from './serialize.js';

/**
 * Really Simple Discovery (`/xmlrpc.php?rsd`, linked from `/` as `EditURI`): where desktop
 * editors find the XML-RPC endpoint and the APIs it speaks. The engine is named WordPress, as
 * editors choose their WordPress support by that name; the REST root is listed as `WP-API`.
 */
export function rsdDocument(siteUrl: string): string {
  const site = escapeXml(siteUrl).replace(/"/g, '&quot;');
  const xmlrpc = `${site}/xmlrpc.php`;
  const api = (name: string, preferred: boolean, link = xmlrpc) =>
    `      <api name="${name}" blogID="1" preferred="${preferred}" apiLink="${link}" />\n`;
  return `<?xml version="1.0" encoding="UTF-8"?><rsd version="1.0" xmlns="http://archipelago.phrasewise.com/rsd">
  <service>
    <engineName>WordPress</engineName>
    <engineLink>https://wordpress.org/</engineLink>
    <homePageLink>${site}</homePageLink>
    <apis>
${api('WordPress', true)}${api('Movable Type', false)}${api('MetaWeblog', false)}${api('Blogger', false)}${api('WP-API', false, `${site}/wp-json/`)}    </apis>
  </service>
</rsd>
`;
}
