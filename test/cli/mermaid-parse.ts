// Mermaid's own parser for the tests: a diagram's type, or the parser's error.

import mermaid from 'mermaid';

export async function mermaidVerdict(text: string): Promise<string> {
  try {
    const r = await mermaid.parse(text);
    return r ? r.diagramType : 'not a diagram';
  } catch (e) {
    return `error: ${(e as Error).message.split('\n').slice(0, 4).join(' | ')}`;
  }
}
