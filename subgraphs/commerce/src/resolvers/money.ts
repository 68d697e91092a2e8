/** Money as the schema shows it, from the store's integer columns. */
import type { Money } from '../domain/money';

export const money = (amount: number, currency: string): Money => ({ amount, currency });
