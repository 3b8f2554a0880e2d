/**
 * The query string of a request for `/graphql` written plainly (`/graphql` or `/graphql?…`), as
 * clients send it; undefined for any other target, which the route reads as a URL.
 */
export function graphqlSearch(target: string | undefined): string | undefined {
  if (target === '/graphql') return '';
  return target?.startsWith('/graphql?') ? target.slice('/graphql'.length) : undefined;
}
