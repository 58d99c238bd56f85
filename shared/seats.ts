import { SEAT_LETTERS } from "../db/schema/catalog";

/** Seats are labelled row + letter ("12A"): what the seat map shows and a passenger may choose. */

export { SEAT_LETTERS };
export const MAX_SEATS_PER_ROW = SEAT_LETTERS.length;
export const MAX_ROWS = 99;

/** A seat label: a row from 1 to 99 and one of SEAT_LETTERS. */
export const SEAT_LABEL = new RegExp(`^([1-9]\\d?)([${SEAT_LETTERS}])$`);

export type Seat = {
  row: number;
  letter: string;
};

/** The seat a label names; the label must match SEAT_LABEL. */
export function parseSeat(label: string): Seat {
  const [, row, letter] = SEAT_LABEL.exec(label)!;
  return { row: Number(row), letter: letter! };
}

export const seatLabel = (seat: Seat) => `${seat.row}${seat.letter}`;

/** Whether `b` is the seat right of `a` in the same row. */
export const isRightOf = (b: Seat, a: Seat) => a.row === b.row && SEAT_LETTERS.indexOf(b.letter) === SEAT_LETTERS.indexOf(a.letter) + 1;
