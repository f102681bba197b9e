import type PocketBase from "pocketbase";

/**
 * A small shop as a business would have it: customers (auth), products with images and a JSON
 * spec, orders with a multi-relation, a bool, a date and a select, a view over paid orders, plus
 * settings and an API-visible superuser. Returns the collection names.
 */
export async function createShop(su: PocketBase): Promise<{ products: string; orders: string }> {
  await su.collections.create({
    name: "products",
    type: "base",
    fields: [
      { name: "title", type: "text", required: true },
      { name: "price", type: "number" },
      { name: "spec", type: "json" },
      { name: "images", type: "file", maxSelect: 3, maxSize: 5 * 1024 * 1024 },
      { name: "active", type: "bool" },
      { name: "place", type: "geoPoint" },
    ],
    indexes: ["CREATE UNIQUE INDEX idx_products_title ON products (title)"],
    listRule: "",
    viewRule: "",
  });
  await su.collections.create({
    name: "orders",
    type: "base",
    fields: [
      { name: "customer", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 },
      { name: "items", type: "relation", collectionId: "products", maxSelect: 10 },
      { name: "status", type: "select", values: ["new", "paid", "shipped"], maxSelect: 1 },
      { name: "paidAt", type: "date" },
      { name: "invoice", type: "file", maxSelect: 1 },
      { name: "gift", type: "bool" },
    ],
  });
  await su.collections.create({
    name: "paid_orders",
    type: "view",
    viewQuery: "SELECT id, status FROM orders WHERE status = 'paid'",
  });
  const customer = await su.collection("users").create({
    email: "ada@example.com",
    password: "a long password 1",
    passwordConfirm: "a long password 1",
    name: "Ada",
  });
  const products: string[] = [];
  for (let i = 0; i < 5; i++) {
    const form = new FormData();
    form.append("title", `Product ${i}`);
    form.append("price", String(9.5 + i));
    form.append("spec", JSON.stringify({ size: i, tags: ["a", "b"], nested: { ok: i % 2 === 0 } }));
    form.append("active", String(i % 2 === 0));
    form.append("place", JSON.stringify({ lon: 2.35 + i, lat: 48.85 }));
    form.append("images", new Blob([`image ${i} `.repeat(50 + i)], { type: "text/plain" }), `p${i}.txt`);
    if (i === 0) form.append("images", new Blob([new Uint8Array(3000).fill(i + 7)]), "raw.bin");
    products.push((await su.collection("products").create(form)).id);
  }
  for (let i = 0; i < 4; i++) {
    const form = new FormData();
    form.append("customer", customer.id);
    for (const p of products.slice(0, i + 1)) form.append("items", p);
    form.append("status", i % 2 === 0 ? "paid" : "new");
    form.append("paidAt", `2024-0${i + 1}-1${i} 10:00:00.000Z`);
    form.append("gift", String(i === 1));
    form.append("invoice", new Blob([`%PDF-1.4 invoice ${i}`]), `invoice${i}.pdf`);
    await su.collection("orders").create(form);
  }
  // An Application URL of its own: the default follows each server's listen address and is not stored.
  await su.settings.update({
    meta: { appName: "Corner Shop", senderName: "Shop", appURL: "https://shop.example.com" },
    logs: { maxDays: 9 },
  });
  return { products: "products", orders: "orders" };
}
