/** The workspace the integration suites run in. */
export const INTEGRATION_FILES: Record<string, string> = {
  'README.md': '# Integration workspace\n',
  'src/app.ts':
    'export function greet(name: string): string {\n  const count: number = "three";\n  return `Hello, ${name}! (${count})`;\n}\nexport const message = greet("world");\n',
  'tsconfig.json': '{ "compilerOptions": { "strict": true, "target": "ES2022", "module": "ESNext", "noEmit": true }, "include": ["src"] }\n',
};
