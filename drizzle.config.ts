// drizzle-kit: `npm run db:generate` writes SQL migrations from db/schema.ts into migrations/ (committed).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './db/schema.ts',
  out: './migrations',
});
