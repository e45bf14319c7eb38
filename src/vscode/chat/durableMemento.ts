/**
 * A surface's workspace state (its conversation, draft, queue and picks), with every value also
 * written at once to a file (core/durableValues.ts) that is read first: in a browser the
 * workbench saves its storage every so often, and a reload of the page soon after a change would
 * otherwise bring back an empty chat or an old draft.
 */
import type * as vscode from 'vscode';
import { DurableValues } from '../../core/durableValues';

export class DurableMemento implements vscode.Memento {
  private readonly files: DurableValues;

  constructor(
    dir: string,
    private readonly inner: vscode.Memento,
  ) {
    this.files = new DurableValues(dir);
  }

  keys(): readonly string[] {
    return this.inner.keys();
  }

  get<T>(key: string): T | undefined;
  get<T>(key: string, defaultValue: T): T;
  get<T>(key: string, defaultValue?: T): T | undefined {
    const kept = this.files.read(key);
    const v = kept ? (kept.value as T | undefined) : this.inner.get<T>(key);
    return v === undefined ? defaultValue : v;
  }

  update(key: string, value: unknown): Thenable<void> {
    // The same plain value as the file holds (the conversation's id at each of its turns): a read
    // is cheaper than a write, and another window's value since would be seen.
    if ((value === undefined || typeof value !== 'object') && this.files.read(key)?.value === value && this.inner.get(key) === value) return Promise.resolve();
    this.files.write(key, value);
    return this.inner.update(key, value);
  }
}
