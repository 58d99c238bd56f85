-- The two roles of the public contract. Every new user gets `customer`.
INSERT INTO "roles" ("name", "description") VALUES
  ('customer', 'Books flights and manages their own bookings'),
  ('admin', 'Manages the catalog and user roles')
ON CONFLICT ("name") DO NOTHING;
