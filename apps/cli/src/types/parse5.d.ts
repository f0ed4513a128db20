// parse5 6 ships no types; the tests only walk the tree it returns.
declare module 'parse5' {
  export interface Node {
    nodeName: string;
    tagName?: string;
    value?: string;
    attrs?: { name: string; value: string }[];
    childNodes?: Node[];
    content?: Node;
  }
  export function parse(html: string): Node;
}
