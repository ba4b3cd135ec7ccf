// Shopping cart totals for the checkout page. All amounts are integer cents.

export interface LineItem {
  sku: string;
  unitPrice: number;
  quantity: number;
}

export interface Cart {
  items: LineItem[];
  discountCode?: string;
}

/** Percent off the subtotal, by discount code. */
export const DISCOUNTS: Record<string, number> = {
  WELCOME10: 10,
  SPRING15: 15,
  VIP25: 25,
};

export const SHIPPING_FLAT = 499;
export const FREE_SHIPPING_FROM = 5000;

export function addItem(cart: Cart, item: LineItem): Cart {
  const existing = cart.items.find((line) => line.sku === item.sku);
  if (!existing) return { ...cart, items: [...cart.items, item] };
  const items = cart.items.map((line) =>
    line.sku === item.sku ? { ...line, quantity: line.quantity + item.quantity } : line,
  );
  return { ...cart, items };
}

export function subtotal(cart: Cart): number {
  return cart.items.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0);
}

export function total(cart: Cart): number {
  const percent = DISCOUNTS[cart.discountCode ?? ""] ?? 0;
  const goods = Math.round((subtotal(cart) * (100 - percent)) / 100);
  const shipping = goods >= FREE_SHIPPING_FROM || goods === 0 ? 0 : SHIPPING_FLAT;
  return goods + shipping;
}

export function summary(cart: Cart): string {
  const count = cart.items.reduce((sum, line) => sum + line.quantity, 0);
  return `${count} item(s), ${(total(cart) / 100).toFixed(2)}`;
}
