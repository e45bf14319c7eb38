/**
 * Markdown rendering, streamed and one-shot, with one result (this folder's public face).
 *
 * The parser is markdown-it (CommonMark + GFM tables, strikethrough, autolinks; task lists by a
 * small core rule here). Its tokens are turned into DOM nodes directly (`buildBlocks`): no HTML
 * string of model text is ever parsed, so nothing needs sanitizing afterwards. Raw HTML in the
 * answer shows as text; links keep no `href` (the host opens them after consent); images in
 * model markdown are never fetched (a link instead).
 *
 * Streaming (`MarkdownStream`) re-parses only the last top-level block, from the start of the
 * block being written, and freezes every block before it. That is exact, not a heuristic: in
 * CommonMark only the last child of the document can still be open, so a block followed by
 * another (on complete lines) is final. Two details keep it exact:
 *  - reference definitions: frozen blocks are rendered with the definitions of frozen blocks
 *    only; a link whose label was not defined yet is remembered, and its block is rendered again
 *    when a later block defines it (the first definition wins, as in a whole-document parse);
 *  - a definition right before the last block is not frozen (the next line may still be its title).
 * The one-shot render (`renderDocument`) parses the whole text once; the property test checks that
 * any chunking of a stream ends in the same DOM.
 */
export { renderDocument } from './build';
export { MarkdownStream } from './stream';
export { codeBlockElement, setHighlighter } from './code';
export type { HlNode } from './hlTree';
/** @public the render property test bundles this module and waits for highlighting. */
export { highlightsSettled } from './code';
export { hostOf, makeHostLink } from './links';
