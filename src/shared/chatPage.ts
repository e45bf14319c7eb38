/**
 * The chat page's markup (everything inside <body> but the scripts), shared by the webview host
 * and the tests' stand-alone page, so the two can never drift apart. Pure: the caller passes
 * its translator, which returns HTML-escaped text.
 */
import { THINKING_LEVELS } from './vocab';

export function chatBody(T: (text: string) => string, thinkingLabel: (level: string) => string): string {
  return `<main id="app">
  <h1 class="visually-hidden">${T('Gemini chat')}</h1>
  <div class="topbar">
    <button id="new-chat" class="icon-btn" title="${T('New chat')}" aria-label="${T('New chat')}"><i class="codicon codicon-add" aria-hidden="true"></i></button>
    <button id="history" class="icon-btn" title="${T('Chat history')}" aria-label="${T('Chat history')}"><i class="codicon codicon-history" aria-hidden="true"></i></button>
    <span class="spacer"></span>
  </div>
  <div id="banner" role="status" hidden></div>
  <div id="run-header" role="region" aria-label="${T('Remote agent run')}" hidden></div>
  <div id="key-screen" hidden>
    <h2>${T('Set your Gemini API key')}</h2>
    <p id="key-message"></p>
    <button id="set-key" class="primary-btn">${T('Set API Key')}</button>
  </div>
  <div id="log" role="log" aria-label="${T('Conversation')}" aria-live="polite" tabindex="0">
  </div>
  <div id="empty">${T('Ask Gemini about your code. Attach files with {0}, press Enter to send, Shift+Enter for a new line.').replace('{0}', '<i class="codicon codicon-attach" aria-hidden="true"></i>')}</div>
  <div id="toast" role="alert" hidden></div>
  <form id="composer" aria-label="${T('Message Gemini')}" onsubmit="return false">
    <div id="queue" hidden></div>
    <div id="attachments" hidden></div>
    <div id="attach-options" role="group" hidden></div>
    <div id="edit-hint" hidden>${T('Editing the last message.')} <button type="button" id="cancel-edit" class="text-btn">${T('Cancel')}</button></div>
    <div id="mention-menu" hidden></div>
    <div id="link-notice" role="status" hidden></div>
    <textarea id="input" rows="2" aria-label="${T('Message')}" placeholder="${T('Ask Gemini… (Enter to send, Shift+Enter for a new line)')}"></textarea>
    <div id="mention-chips" class="chips" hidden></div>
    <div class="toolbar">
      <span id="attach-wrap">
        <button type="button" id="attach" class="icon-btn" title="${T('Attach')}" aria-label="${T('Attach')}" aria-haspopup="menu"><i class="codicon codicon-attach" aria-hidden="true"></i></button>
        <span id="attach-menu" role="menu" hidden>
          <button type="button" role="menuitem" data-kind="activeFile">${T('Active file')}</button>
          <button type="button" role="menuitem" data-kind="selection">${T('Selection')}</button>
          <button type="button" role="menuitem" data-kind="workspaceFile">${T('Workspace file…')}</button>
          <button type="button" role="menuitem" data-kind="picker">${T('Image, audio, video or document…')}</button>
          <button type="button" role="menuitem" data-kind="url">${T('From a URL (image, audio, video, document)…')}</button>
        </span>
      </span>
      <select id="model" aria-label="${T('Model')}" title="${T('Model')}"></select>
      <select id="thinking" aria-label="${T('Thinking level')}" title="${T('Thinking level')}">
        ${THINKING_LEVELS.map((l) => `<option value="${l}">${thinkingLabel(l)}</option>`).join('\n        ')}
      </select>
      <button type="button" id="toggle-googleSearch" class="icon-btn toggle" title="${T('Google Search')}" aria-label="${T('Google Search')}" aria-pressed="false"><i class="codicon codicon-search" aria-hidden="true"></i></button>
      <button type="button" id="toggle-urlContext" class="icon-btn toggle" title="${T('URL context')}" aria-label="${T('URL context')}" aria-pressed="false"><i class="codicon codicon-link" aria-hidden="true"></i></button>
      <button type="button" id="toggle-codeExecution" class="icon-btn toggle" title="${T('Code execution')}" aria-label="${T('Code execution')}" aria-pressed="false"><i class="codicon codicon-terminal" aria-hidden="true"></i></button>
      <span id="gen-wrap">
        <button type="button" id="model-settings" class="icon-btn" title="${T('Model settings (temperature, max output tokens, stop sequences, seed, function calling)')}" aria-label="${T('Model settings')}" aria-haspopup="dialog" aria-expanded="false"><i class="codicon codicon-settings" aria-hidden="true"></i></button>
        <span id="gen-popover" role="dialog" aria-label="${T('Model settings for this conversation')}" hidden>
          <label>${T('Temperature')} <input id="gen-temperature" type="number" min="0" max="2" step="0.1" placeholder="${T('default')}"></label>
          <label>${T('Max output tokens')} <input id="gen-max" type="number" min="1" step="1" placeholder="${T('default')}"></label>
          <label>${T('Stop sequences')} <input id="gen-stop" type="text" placeholder="${T('comma-separated, up to 5')}"></label>
          <label>${T('Seed')} <input id="gen-seed" type="number" step="1" placeholder="${T('random')}"></label>
          <label>${T('Function calling')} <select id="gen-tool-choice"><option value="default">${T('Default')}</option><option value="auto">${T('Auto')}</option><option value="any">${T('Any (must call)')}</option><option value="none">${T('None')}</option><option value="validated">${T('Validated')}</option></select></label>
          <span id="gen-error" role="alert"></span>
          <span class="gen-actions"><button type="button" id="gen-apply" class="primary-btn">${T('Apply')}</button><button type="button" id="gen-reset" class="secondary-btn">${T('Reset')}</button></span>
        </span>
      </span>
      <button type="button" id="toggle-plan" class="icon-btn toggle" title="${T('Plan first: the next message gets only read-only tools and is asked for a plan, which you start or revise')}" aria-label="${T('Plan first')}" aria-pressed="false"><i class="codicon codicon-checklist" aria-hidden="true"></i></button>
      <button type="button" id="toggle-research" class="icon-btn toggle" title="${T('Deep Research: the next message goes to the Deep Research agent, which runs in the background, shows its progress and writes a cited report')}" aria-label="${T('Deep Research')}" aria-pressed="false"><i class="codicon codicon-telescope" aria-hidden="true"></i></button>
      <button type="button" id="toggle-stateless" class="icon-btn toggle" title="${T('Stateless: nothing is kept on the server (store: false); the conversation so far is sent with each message')}" aria-label="${T('Stateless conversation')}" aria-pressed="false"><i class="codicon codicon-lock" aria-hidden="true"></i></button>
      <span class="spacer"></span>
      <button type="button" id="tools" class="icon-btn" title="${T('Choose tools (MCP servers, extensions, remote MCP servers)')}" aria-label="${T('Choose tools')}"><i class="codicon codicon-tools" aria-hidden="true"></i><span id="tools-count" hidden></span></button>
      <button type="button" id="run-remote" class="icon-btn" title="${T('Run remotely on an agent')}" aria-label="${T('Run remotely')}"><i class="codicon codicon-cloud-upload" aria-hidden="true"></i></button>
      <button type="button" id="send-background" class="icon-btn" title="${T('Send in the background (Alt+Enter): the answer runs on the server and fills in here when it is done, even after you close the window')}" aria-label="${T('Send in the background')}"><i class="codicon codicon-cloud" aria-hidden="true"></i></button>
      <button type="button" id="stop" hidden aria-label="${T('Stop')}">${T('Stop')}</button>
      <button type="button" id="send" aria-label="${T('Send')}">${T('Send')}</button>
    </div>
  </form>
</main>`;
}
