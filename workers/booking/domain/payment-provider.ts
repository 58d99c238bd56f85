/**
 * Where money is taken. The booking logic depends only on this interface; a real processor
 * (Stripe, Razorpay, …) is another implementation.
 */
export interface PaymentProvider {
  readonly name: string;
  /** Charges the amount, or throws. `idempotencyKey` lets the processor refuse a double charge. */
  charge(request: { bookingId: string; amount: number; currency: string; idempotencyKey: string }): Promise<{ reference: string }>;
}

/** The provider for now: approves every charge of the correct amount (the booking checks the amount). */
export const approveAllProvider: PaymentProvider = {
  name: "approve-all",
  async charge({ bookingId }) {
    return { reference: `approved-${bookingId}` };
  },
};
