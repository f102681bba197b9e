/** What `backroom migrate create NAME` writes. */
export const BLANK_MIGRATION = `import { defineMigration } from "backroom";

// Runs in one transaction: if up() throws, nothing of it is applied.
// app.collections creates, updates and deletes collections; app.records writes records;
// app.db is the query builder inside the migration's transaction.
export default defineMigration({
  async up(app) {
    // await app.collections.create({
    //   name: "posts",
    //   type: "base",
    //   fields: [{ name: "title", type: "text", required: true }],
    //   listRule: "",
    // });
  },

  async down(app) {
    // await app.collections.delete("posts");
  },
});
`;
