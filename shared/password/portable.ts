// workerd cannot load native addons: pure-JS bcrypt. Its hashes and @node-rs/bcrypt's are interchangeable.
import bcrypt from "bcryptjs";

export const hashPassword = (password: string, cost: number): Promise<string> => bcrypt.hash(password, cost);

export const verifyPassword = (password: string, passwordHash: string): Promise<boolean> =>
  bcrypt.compare(password, passwordHash);
