/** How a command talks to the world: its output streams, its working folder, its standard input. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
  /** All of standard input (seal's values); refuses a terminal, so nothing is typed into a visible prompt. */
  readonly stdin?: () => Promise<string>;
}

async function readProcessStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new Error('standard input is a terminal: pipe the values in, or pass --file');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The process's own streams and folder. */
export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  stdin: readProcessStdin,
};
