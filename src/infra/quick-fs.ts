/**
 * The calls of `node:fs/promises` a command makes on small local files (refs, state in the git dir, the
 * bank's files), done synchronously behind the same signatures. Each awaited call through the thread pool
 * costs a round trip (0.1–0.3 ms here), and a command makes dozens of them in a row before its first git
 * process; the read itself takes microseconds. The errors are the same objects, with the same codes.
 * Modules that read big or many files for long-running work (the recall index, the MCP server) keep
 * `node:fs/promises`.
 */
import * as fs from "node:fs";
import type * as fsp from "node:fs/promises";

function now<T extends (...args: never[]) => unknown>(f: T): (...args: Parameters<T>) => Promise<ReturnType<T>> {
  return (...args) => {
    try {
      return Promise.resolve(f(...args) as ReturnType<T>);
    } catch (err) {
      return Promise.reject(err);
    }
  };
}

export const readFile = now(fs.readFileSync) as unknown as typeof fsp.readFile;
export const writeFile = now(fs.writeFileSync) as unknown as typeof fsp.writeFile;
export const readdir = now(fs.readdirSync) as unknown as typeof fsp.readdir;
export const lstat = now(fs.lstatSync) as unknown as typeof fsp.lstat;
export const stat = now(fs.statSync) as unknown as typeof fsp.stat;
export const mkdir = now(fs.mkdirSync) as unknown as typeof fsp.mkdir;
export const rm = now(fs.rmSync) as unknown as typeof fsp.rm;
export const rename = now(fs.renameSync) as unknown as typeof fsp.rename;
export const unlink = now(fs.unlinkSync) as unknown as typeof fsp.unlink;
export const access = now(fs.accessSync) as unknown as typeof fsp.access;
export const chmod = now(fs.chmodSync) as unknown as typeof fsp.chmod;
export const link = now(fs.linkSync) as unknown as typeof fsp.link;
export const realpath = now(fs.realpathSync) as unknown as typeof fsp.realpath;
