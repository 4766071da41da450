/**
 * C8: limits on what a customer (or an integration) may send. Checked before anything
 * is written, so that an oversized field stores nothing at all.
 */
import { LobbyError } from './errors.js';

export const LIMITS = {
  nameChars: 100,
  companyChars: 100,
  detailsBytes: 1024,
  attributeChars: 1024,
  attributesTotalBytes: 10 * 1024,
  chatChars: 4000,
} as const;

export interface CustomerInput {
  customerName: string;
  customerCompany: string;
  details: string;
  attributes: Record<string, string>;
}

export interface RawCustomerInput {
  customerName?: string | undefined;
  customerCompany?: string | undefined;
  details?: string | undefined;
  attributes?: Record<string, string> | undefined;
}

const chars = (s: string): number => [...s].length;

/** Normalizes and checks customer fields; throws LobbyError naming the first bad field. */
export function checkCustomerInput(raw: RawCustomerInput, options: { nameRequired: boolean }): CustomerInput {
  const customerName = (raw.customerName ?? '').trim();
  const customerCompany = (raw.customerCompany ?? '').trim();
  const details = raw.details ?? '';
  if (options.nameRequired && customerName === '') {
    throw new LobbyError('invalid_input', 'Please enter your name.', 'customerName');
  }
  if (chars(customerName) > LIMITS.nameChars) {
    throw new LobbyError('invalid_input', `Name is longer than ${LIMITS.nameChars} characters.`, 'customerName');
  }
  if (chars(customerCompany) > LIMITS.companyChars) {
    throw new LobbyError('invalid_input', `Company is longer than ${LIMITS.companyChars} characters.`, 'customerCompany');
  }
  if (Buffer.byteLength(details, 'utf8') > LIMITS.detailsBytes) {
    throw new LobbyError('invalid_input', `Details are longer than ${LIMITS.detailsBytes} bytes.`, 'details');
  }
  const attributes = raw.attributes ?? {};
  let total = 0;
  for (const [key, value] of Object.entries(attributes)) {
    if (typeof value !== 'string') {
      throw new LobbyError('invalid_input', 'Custom attribute values must be text.', `attributes.${key}`);
    }
    if (chars(value) > LIMITS.attributeChars) {
      throw new LobbyError('invalid_input', `Custom attribute is longer than ${LIMITS.attributeChars} characters.`, `attributes.${key}`);
    }
    total += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8');
  }
  if (total > LIMITS.attributesTotalBytes) {
    throw new LobbyError('invalid_input', 'Custom attributes exceed 10 KB in all.', 'attributes');
  }
  return { customerName, customerCompany, details, attributes };
}

export function checkChatText(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') throw new LobbyError('invalid_input', 'A message cannot be empty.', 'text');
  if (chars(trimmed) > LIMITS.chatChars) {
    throw new LobbyError('invalid_input', `A message is longer than ${LIMITS.chatChars} characters.`, 'text');
  }
  return trimmed;
}
