export function greet(name: string): string {
  const count: number = 'three';
  return `Hello, ${name}! (${count})`;
}
