// Password sign-in of the seeded user: CPU bound by the argon2id verification on both sides.

export default {
  name: "auth",
  describe: "POST /api/collections/users/auth-with-password (argon2id verify, audit row, new token)",
  writes: true,
  load: ({ user }) => ({
    headers: {},
    requests: [
      {
        method: "POST",
        paths: ["/api/collections/users/auth-with-password"],
        bodies: [JSON.stringify({ identity: user.email, password: user.password })],
        check: (body) =>
          typeof body?.token === "string" && body.record?.email === user.email
            ? null
            : "no token and record of the user",
      },
    ],
  }),
};
