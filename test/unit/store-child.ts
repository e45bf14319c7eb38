/** What the store tests' child processes use (each child is a separate Node process: a second window). */
export { ConversationStore, replayJournal } from '../../src/core/conversation/journal';
export { Leases } from '../../src/core/lease';
