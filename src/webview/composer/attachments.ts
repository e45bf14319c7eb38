/**
 * What waits to go with the next message: the chips (name, size, options, preview, remove), the
 * attach menu, and files dropped or pasted on the composer.
 */
import type { AttachmentView } from '../../shared/protocol';
import { l10n } from '../../shared/l10n';
import { dismissOutside, formatSize, h, type Post } from '../dom';
import { AttachmentOptionsForm } from './attachmentOptions';

const ICON: Record<AttachmentView['kind'], string> = {
  file: 'file',
  selection: 'selection',
  image: 'file-media',
  document: 'file-pdf',
  audio: 'unmute',
  video: 'device-camera-video',
  url: 'link',
};

/** How a screen reader names each kind of attachment. */
function attachmentName(kind: AttachmentView['kind'], name: string): string {
  const names: Record<AttachmentView['kind'], string> = {
    file: l10n.t('File attachment {0}'),
    selection: l10n.t('Selection attachment {0}'),
    image: l10n.t('Image attachment {0}'),
    document: l10n.t('Document attachment {0}'),
    audio: l10n.t('Audio attachment {0}'),
    video: l10n.t('Video attachment {0}'),
    url: l10n.t('Link attachment {0}'),
  };
  return (names[kind] ?? names.file).replace('{0}', name);
}

export class AttachmentsView {
  readonly options: AttachmentOptionsForm;

  constructor(
    private readonly list: HTMLElement,
    optionsEl: HTMLElement,
    private readonly post: Post,
  ) {
    this.options = new AttachmentOptionsForm(optionsEl, post);
  }

  render(attachments: AttachmentView[]): void {
    const list = this.list;
    list.textContent = '';
    list.hidden = attachments.length === 0;
    for (const a of attachments) {
      const chip = h('span', `chip chip-${a.kind}`);
      const i = h('i', `codicon codicon-${ICON[a.kind] ?? 'file'}`);
      i.setAttribute('aria-hidden', 'true');
      chip.append(i, document.createTextNode(` ${a.name} (${a.kind === 'url' ? a.mimeType || l10n.t('by link') : formatSize(a.size)})`));
      if (a.optionsSummary) chip.append(h('span', 'chip-options', ` · ${a.optionsSummary}`));
      chip.setAttribute('aria-label', attachmentName(a.kind, a.name) + (a.optionsSummary ? ` (${a.optionsSummary})` : ''));
      if (a.media) chip.appendChild(this.options.button(a));
      if (a.kind === 'image' || a.kind === 'audio' || a.kind === 'video' || a.kind === 'document') {
        const v = h('button', 'icon-btn preview-btn');
        v.type = 'button';
        v.setAttribute('aria-label', l10n.t('Preview {0}', a.name));
        v.title = l10n.t('Preview {0}', a.name);
        v.innerHTML = `<i class="codicon codicon-${a.kind === 'audio' || a.kind === 'video' ? 'play' : 'eye'}" aria-hidden="true"></i>`;
        v.addEventListener('click', () => this.post({ type: 'previewAttachment', id: a.id }));
        chip.appendChild(v);
      }
      const x = h('button', 'icon-btn');
      x.type = 'button';
      x.setAttribute('aria-label', l10n.t('Remove attachment {0}', a.name));
      x.innerHTML = '<i class="codicon codicon-close" aria-hidden="true"></i>';
      x.addEventListener('click', () => this.post({ type: 'removeAttachment', id: a.id }));
      chip.appendChild(x);
      list.appendChild(chip);
    }
    this.options.update(attachments);
  }
}

/** The attach menu (menu semantics: arrow keys move, Escape closes). */
export function wireAttachMenu(button: HTMLElement, menu: HTMLElement, post: Post): void {
  const close = (focus: boolean) => {
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    if (focus) button.focus();
  };
  dismissOutside(
    button.parentElement ?? button,
    () => !menu.hidden,
    () => close(false),
  );
  button.addEventListener('click', () => {
    menu.hidden = !menu.hidden;
    button.setAttribute('aria-expanded', String(!menu.hidden));
    if (!menu.hidden) (menu.querySelector('button') as HTMLButtonElement | null)?.focus();
  });
  menu.addEventListener('click', (e) => {
    const kind = (e.target as HTMLElement).closest('button')?.dataset.kind;
    if (kind === 'activeFile' || kind === 'selection' || kind === 'workspaceFile' || kind === 'picker' || kind === 'url') post({ type: 'attach', kind });
    close(false);
  });
  menu.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      close(true);
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const items = Array.from(menu.querySelectorAll('button'));
      const k = items.indexOf(document.activeElement as HTMLButtonElement);
      items[(k + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
    }
  });
}

/** Files dropped on the composer or pasted into the message box go to the host as attachments. */
export function wireFileDrops(composer: HTMLElement, input: HTMLTextAreaElement, post: Post): void {
  const read = (file: File) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      const comma = url.indexOf(',');
      post({ type: 'attachData', name: file.name || 'pasted', mimeType: file.type || 'application/octet-stream', data: url.slice(comma + 1) });
    };
    reader.readAsDataURL(file);
  };
  composer.addEventListener('dragover', (e) => {
    e.preventDefault();
    composer.classList.add('drop');
  });
  composer.addEventListener('dragleave', () => composer.classList.remove('drop'));
  composer.addEventListener('drop', (e) => {
    e.preventDefault();
    composer.classList.remove('drop');
    for (const f of Array.from(e.dataTransfer?.files ?? [])) read(f);
  });
  input.addEventListener('paste', (e) => {
    const files = Array.from(e.clipboardData?.files ?? []);
    if (files.length) {
      e.preventDefault();
      files.forEach(read);
    }
  });
}
