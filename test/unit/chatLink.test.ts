/** Chat links: the text becomes a draft, cleaned of what a reader cannot see, capped, and its origin said. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatLinkError, MAX_LINK_PROMPT, chatLinkNotice, parseChatLink } from '../../src/core/chatLink';

test('the prompt of a chat link, decoded', () => {
  assert.deepEqual(parseChatLink('/chat', 'prompt=Explain%20this%20repo%0Aplease'), { prompt: 'Explain this repo\nplease', removed: 0, cut: 0 });
  assert.equal(parseChatLink('/chat/', 'prompt=a+b').prompt, 'a b');
  assert.equal(parseChatLink('/chat', 'q=short').prompt, 'short');
});

test('invisible characters are taken out and counted; a claimed source is kept as a claim', () => {
  const hidden = encodeURIComponent('Summarize\u200b the\u202e file\u2066\u0007\r\n\udb40\udc41done');
  const link = parseChatLink('/chat', `prompt=${hidden}&source=${encodeURIComponent('docs.example\u200d.com')}`);
  assert.equal(link.prompt, 'Summarize the file\ndone');
  assert.equal(link.removed, 5);
  assert.equal(link.claimedSource, 'docs.example.com');
  const note = chatLinkNotice(link, 'vscode://geminilabs.gemini-interactions/chat');
  assert.match(note, /link opened outside the editor \(vscode:\/\/geminilabs\.gemini-interactions\/chat\)/);
  assert.match(note, /Nothing has been sent/);
  assert.match(note, /says it comes from “docs\.example\.com”; that is not verified/);
  assert.match(note, /5 invisible characters/);
});

test('a very long prompt is cut, and says so', () => {
  const link = parseChatLink('/chat', `prompt=${'x'.repeat(MAX_LINK_PROMPT + 10)}`);
  assert.equal(link.prompt.length, MAX_LINK_PROMPT);
  assert.equal(link.cut, 10);
  assert.match(chatLinkNotice(link, 'vscode://x/chat'), /cut to 20000 characters/);
});

test('other paths, and links without text, are refused with a reason', () => {
  assert.throws(() => parseChatLink('/send', 'prompt=x'), ChatLinkError);
  assert.throws(() => parseChatLink('/chat', ''), /no text/);
  assert.throws(() => parseChatLink('/chat', 'prompt=%E2%80%8B%E2%80%8B'), /no text/);
});
