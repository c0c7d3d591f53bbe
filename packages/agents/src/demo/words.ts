/** Splits text into word-sized pieces that join back to exactly the text: "a  b" → ["a", "  b"]. */
export function wordPieces(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}
