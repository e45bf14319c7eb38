/**
 * Which MCP server a tool VS Code runs belongs to, under the name the user knows. VS Code names
 * those tools `mcp_<the name the server reports>_<tool>`, and both parts may hold `_`. A server
 * whose `mcp.json` key (what the user typed) matches the name is shown under that key; any other
 * under the first part of the name, never a longer guess that splits one server into several.
 */

/** How VS Code turns a server's name into the part of its tools' names. */
function sanitized(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

export function mcpServerName(toolName: string, configured: readonly string[]): string {
  const rest = toolName.replace(/^mcp_/, '');
  // The longest configured name that prefixes the tool: `files` before `f`.
  const match = [...configured].sort((a, b) => b.length - a.length).find((c) => sanitized(c) && toolName.toLowerCase().startsWith(`mcp_${sanitized(c)}_`));
  if (match) return match;
  return rest.split('_')[0] || rest;
}
