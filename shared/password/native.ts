// Node: the Rust bcrypt binding, off the event loop.
import { hash, verify } from "@node-rs/bcrypt";

export const hashPassword = (password: string, cost: number): Promise<string> => hash(password, cost);

export const verifyPassword = (password: string, passwordHash: string): Promise<boolean> =>
  verify(password, passwordHash);
