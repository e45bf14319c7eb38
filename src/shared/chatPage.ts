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
  <div id="announce" class="visually-hidden" role="status" aria-live="assertive" aria-atomic="true"></div>
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
        <button type="button" id="attach" class="labelled-btn" aria-label="${T('Attach')}" aria-haspopup="menu" aria-expanded="false"><i class="codicon codicon-attach" aria-hidden="true"></i><span class="btn-label">${T('Attach')}</span></button>
        <span id="attach-menu" role="menu" hidden>
          <button type="button" role="menuitem" data-kind="activeFile">${T('Active file')}</button>
          <button type="button" role="menuitem" data-kind="selection">${T('Selection')}</button>
          <button type="button" role="menuitem" data-kind="workspaceFile">${T('Workspace file…')}</button>
          <button type="button" role="menuitem" data-kind="picker">${T('Image, audio, video or document…')}</button>
          <button type="button" role="menuitem" data-kind="url">${T('From a URL (image, audio, video, document)…')}</button>
        </span>
      </span>
      <button type="button" id="tools" class="labelled-btn" title="${T('Choose tools (MCP servers, extensions, remote MCP servers)')}"><i class="codicon codicon-tools" aria-hidden="true"></i><span class="btn-label">${T('Tools')}</span><span id="tools-count" hidden></span></button>
      <span id="options-wrap">
        <button type="button" id="options" class="labelled-btn" aria-haspopup="dialog" aria-expanded="false" aria-controls="options-panel"><i class="codicon codicon-settings" aria-hidden="true"></i><span class="btn-label">${T('Options')}</span><span id="options-count" hidden></span></button>
        <div id="options-panel" role="dialog" aria-label="${T('Options for this conversation')}" hidden>
          <button type="button" id="toggle-googleSearch" class="toggle" aria-pressed="false"><i class="codicon toggle-mark" aria-hidden="true"></i><span>${T('Google Search')}</span></button>
          <button type="button" id="toggle-urlContext" class="toggle" aria-pressed="false"><i class="codicon toggle-mark" aria-hidden="true"></i><span>${T('URL context')}</span></button>
          <button type="button" id="toggle-codeExecution" class="toggle" aria-pressed="false"><i class="codicon toggle-mark" aria-hidden="true"></i><span>${T('Code execution')}</span></button>
          <button type="button" id="toggle-stateless" class="toggle" aria-pressed="false"><i class="codicon toggle-mark" aria-hidden="true"></i><span>${T('Stateless (nothing kept on the server)')}</span></button>
          <span id="stateless-note" class="hint"></span>
          <span id="gen-wrap">
            <button type="button" id="model-settings" class="text-btn" aria-haspopup="dialog" aria-expanded="false">${T('Model settings…')}</button>
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
        </div>
      </span>
    </div>
    <div class="toolbar send-row">
      <select id="model" aria-label="${T('Model')}" title="${T('Model')}"></select>
      <select id="thinking" aria-label="${T('Thinking level')}" title="${T('Thinking level')}">
        ${THINKING_LEVELS.map((l) => `<option value="${l}">${thinkingLabel(l)}</option>`).join('\n        ')}
      </select>
      <span class="spacer"></span>
      <select id="send-mode" aria-label="${T('How to send')}" title="${T('How to send the next message')}">
        <option value="chat">${T('Chat')}</option>
        <option value="plan">${T('Plan first')}</option>
        <option value="research">${T('Deep Research')}</option>
        <option value="background">${T('In the background')}</option>
        <option value="remote">${T('On a remote agent')}</option>
      </select>
      <button type="button" id="stop" hidden aria-label="${T('Stop')}">${T('Stop')}</button>
      <button type="button" id="send" aria-label="${T('Send')}">${T('Send')}</button>
    </div>
    <div id="send-mode-hint" class="hint" aria-live="polite"></div>
  </form>
</main>`;
}
