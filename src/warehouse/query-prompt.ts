// The interactive SQL prompt of `npm run query` (run without a statement): a read-only DuckDB shell over the
// warehouse for a machine without DuckDB's CLI. A statement ends with `;` and may span lines; `.tables`,
// `.schema NAME`, `.maxrows N`, `.help`, `.quit` or Ctrl-D. Each statement opens the warehouse read-only, runs
// and closes it, so a refresh is never blocked; an error is printed and the prompt goes on. At a terminal the
// lines typed are kept in ~/.customer_analytics_history. Never exits the process.
import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { formatTable } from '../text-table.js';
import { queryRows } from './database.js';
import { formatResult, runStatements, withWarehouse } from './query.js';

/** Where the lines typed at a terminal are kept, newest last. */
export const HISTORY_FILE = join(homedir(), '.customer_analytics_history');
const HISTORY_SIZE = 1_000;
/** Rows shown of each result unless `.maxrows` says otherwise. */
const MAX_ROWS = 100;

const HELP = `Statements end with ; and may span lines. Each runs read-only: open the warehouse, run, close.
.tables          the tables and views
.schema NAME     how a table or view is defined
.maxrows N       show at most N rows of each result (now {maxRows})
.help            this text
.quit            leave (or Ctrl-D)`;

export interface PromptOptions {
  dbPath: string;
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
  errors: NodeJS.WritableStream;
}

/** Whether `text` ends with a `;` that is not inside a string, a quoted name or a comment. */
export function endsStatement(text: string): boolean {
  let quote: string | undefined;
  let lastCode = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
      lastCode = char;
    } else if (char === '-' && text[index + 1] === '-') {
      const end = text.indexOf('\n', index);
      index = end < 0 ? text.length : end;
    } else if (char === '/' && text[index + 1] === '*') {
      const end = text.indexOf('*/', index + 2);
      if (end < 0) return false;
      index = end + 1;
    } else if (!/\s/.test(char)) lastCode = char;
  }
  return quote === undefined && lastCode === ';';
}

function readHistory(): string[] {
  try {
    return readFileSync(HISTORY_FILE, 'utf8').split('\n').filter(Boolean).reverse().slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

/** Runs the prompt until .quit or the end of its input; returns how many statements and commands failed. */
export async function runPrompt({ dbPath, input, output, errors }: PromptOptions): Promise<number> {
  const interactive = input.isTTY === true;
  const rl = createInterface({
    input,
    output,
    terminal: interactive,
    history: interactive ? readHistory() : [],
    historySize: interactive ? HISTORY_SIZE : 0,
    removeHistoryDuplicates: true,
  });
  const print = (text: string) => output.write(`${text}\n`);
  let failures = 0;
  const fail = (error: unknown) => {
    failures++;
    errors.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
  };
  let maxRows = MAX_ROWS;
  let pending = '';
  let closed = false;
  const prompt = () => {
    rl.setPrompt(pending ? '   ...> ' : 'query> ');
    // Prompting resumes the input: once it has ended (Ctrl-D typed ahead), that would keep the process alive.
    if (interactive && !closed) rl.prompt();
  };
  if (interactive) {
    // Each line typed is appended as it is entered, so a session that ends badly keeps its history.
    rl.on('history', (history: string[]) => {
      if (history[0]) appendFileSync(HISTORY_FILE, `${history[0]}\n`);
    });
    print(`Read-only SQL over ${dbPath}. End a statement with ; (.help for more, .quit or Ctrl-D to leave).`);
  }
  rl.on('SIGINT', () => {
    // Ctrl-C drops the statement being typed, as in psql; Ctrl-D or .quit leaves.
    if (!pending) print('(.quit or Ctrl-D to leave)');
    pending = '';
    output.write('\n');
    prompt();
  });

  const commands: Record<string, (argument: string) => Promise<boolean | void>> = {
    '.quit': async () => true,
    '.exit': async () => true,
    '.help': async () => print(HELP.replace('{maxRows}', String(maxRows))),
    '.maxrows': async (argument) => {
      const rows = Number(argument);
      if (!Number.isSafeInteger(rows) || rows < 1) throw new Error('.maxrows takes a whole number of at least 1');
      maxRows = rows;
    },
    '.tables': async () => {
      const rows = await withWarehouse(dbPath, (connection) =>
        queryRows<{ name: string; kind: string }>(
          connection,
          `select table_name as name, case when table_type = 'VIEW' then 'view' else 'table' end as kind
           from information_schema.tables where table_schema = 'main' order by table_name`,
        ),
      );
      print(
        formatTable(
          ['name', 'kind'],
          rows.map((row) => [row.name, row.kind]),
        ),
      );
    },
    '.schema': async (name) => {
      if (!name) throw new Error('.schema takes the name of a table or view (.tables lists them)');
      const [found] = await withWarehouse(dbPath, (connection) =>
        queryRows<{ sql: string }>(
          connection,
          `select sql from duckdb_tables() where schema_name = 'main' and table_name = $name
           union all
           select sql from duckdb_views() where schema_name = 'main' and view_name = $name`,
          { name },
        ),
      );
      if (!found) throw new Error(`no table or view named ${name} (.tables lists them)`);
      print(found.sql);
    },
  };

  // Lines are queued and run one at a time: more may arrive (pasted, piped) while a statement runs.
  const lines: string[] = [];
  let wake: (() => void) | undefined;
  rl.on('line', (line) => {
    lines.push(line);
    wake?.();
  });
  rl.on('close', () => {
    closed = true;
    wake?.();
  });
  const nextLine = async (): Promise<string | undefined> => {
    while (lines.length === 0 && !closed) await new Promise<void>((resolve) => (wake = resolve));
    return lines.shift();
  };

  prompt();
  for (let line = await nextLine(); line !== undefined; line = await nextLine()) {
    if (!pending && line.trim().startsWith('.')) {
      // A ; out of habit after a command (.tables;) is not part of it.
      const [name = '', ...rest] = line.trim().replace(/;+$/, '').split(/\s+/);
      const command = commands[name];
      try {
        if (!command) throw new Error(`unknown command ${name} (.help lists them)`);
        if (await command(rest.join(' '))) break;
      } catch (error) {
        fail(error);
      }
    } else if (pending || line.trim()) {
      pending = pending ? `${pending}\n${line}` : line;
      if (endsStatement(pending)) {
        const sql = pending;
        pending = '';
        try {
          await runStatements(
            dbPath,
            sql,
            (result) => {
              const text = formatResult(result);
              if (text !== undefined) print(text);
            },
            maxRows,
          );
        } catch (error) {
          fail(error);
        }
      }
    }
    prompt();
  }
  rl.close();
  if (pending.trim()) fail(`the last statement has no closing ; and was not run: ${pending.trim()}`);
  return failures;
}
