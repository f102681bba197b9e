import type { Collection, RecordData } from "../../collections/model.js";
import { badRequest } from "../../errors/api-error.js";
import { canonicalEmail } from "../../records/auth-fields.js";
import type { RequestContext } from "../../records/request-context.js";
import type { Db } from "../../store/store.js";
import { uniqueViolationColumns } from "../../store/unique-violation.js";
import type { AuthDeps } from "../auth-deps.js";
import {
  deleteLink,
  deleteLinksOfRecord,
  findLinkByProviderId,
  findLinkOfRecord,
  insertLink,
} from "./external-auths.js";
import { newAccountData } from "./new-account-data.js";
import { oauth2Options } from "./oauth2-options.js";
import { randomToken } from "./pkce.js";
import type { OAuth2User } from "./provider-user.js";

export interface LinkedAccount {
  record: RecordData;
  isNew: boolean;
}

export const UNVERIFIED_EMAIL_TAKEN =
  "The email of this OAuth2 account is not verified by the provider and belongs to an existing account. Sign in to that account first to link the provider.";
export const LINKED_ELSEWHERE = "This OAuth2 account is already linked to another account.";

/** Writes the OAuth2 flow makes on its own authority (verification, password reset). */
const systemCtx = (ctx: RequestContext): RequestContext => ({
  ...ctx,
  auth: null,
  superuser: true,
  context: "oauth2",
});

const sameEmail = (user: OAuth2User, record: RecordData) =>
  user.emailVerified && record.email !== "" && canonicalEmail(user.email) === record.email;

class AccountLinker {
  constructor(
    private readonly services: AuthDeps,
    private readonly c: Collection,
    private readonly provider: string,
    private readonly user: OAuth2User,
    private readonly ctx: RequestContext,
    private readonly createData: Record<string, unknown>,
    private readonly tx: Db,
  ) {}

  private find(id: string): Promise<RecordData | undefined> {
    return this.services.records.query.findOne(this.c, id, undefined, this.tx);
  }

  private async findByEmail(email: string): Promise<RecordData | undefined> {
    const row = await this.tx
      .selectFrom(this.c.name)
      .select("id")
      .where("email", "=", email)
      .executeTakeFirst();
    return row ? this.find(String(row.id)) : undefined;
  }

  private async update(record: RecordData, body: Record<string, unknown>): Promise<RecordData> {
    const opts = { db: this.tx };
    return (await this.services.records.writer.update(
      this.c,
      record.id,
      body,
      systemCtx(this.ctx),
      opts,
    )) as RecordData;
  }

  /** The provider vouches for the record's own email: the record's email counts as verified. */
  private async verifyIfSameEmail(record: RecordData): Promise<RecordData> {
    return record.verified !== true && sameEmail(this.user, record)
      ? this.update(record, { verified: true })
      : record;
  }

  /** Links the provider account to the record, unless the record already has another one of it. */
  private async link(record: RecordData): Promise<void> {
    const existing = await findLinkOfRecord(this.tx, this.c.id, record.id, this.provider);
    if (existing && existing.providerId !== this.user.id)
      throw badRequest(`This account is already linked to another ${this.provider} account.`);
    if (!existing)
      await insertLink(this.tx, this.c.id, {
        recordId: record.id,
        provider: this.provider,
        providerId: this.user.id,
      });
  }

  async run(): Promise<LinkedAccount> {
    const caller = this.ctx.auth?.collection.id === this.c.id ? this.ctx.auth.record : null;
    const link = await findLinkByProviderId(this.tx, this.c.id, this.provider, this.user.id);
    const linked = link ? await this.find(link.recordId) : undefined;
    if (link && !linked) await deleteLink(this.tx, link.id); // its record was deleted
    if (linked) {
      if (caller && caller.id !== linked.id) throw badRequest(LINKED_ELSEWHERE);
      return { record: await this.verifyIfSameEmail(linked), isNew: false };
    }
    if (caller) {
      const record = await this.find(caller.id);
      if (!record) throw badRequest("Failed to authenticate.");
      await this.link(record);
      return { record: await this.verifyIfSameEmail(record), isNew: false };
    }
    const byEmail =
      this.user.email === "" ? undefined : await this.findByEmail(canonicalEmail(this.user.email));
    if (byEmail) return { record: await this.claim(byEmail), isNew: false };
    return { record: await this.create(), isNew: true };
  }

  /**
   * Signs in to an existing account through its email, which only a provider-verified email may
   * do (CVE-2024-38351 class). An account whose email was never verified may have been registered
   * by someone else in advance: its password is reset and its other provider links are dropped,
   * so whoever pre-registered it keeps no way in.
   */
  private async claim(record: RecordData): Promise<RecordData> {
    if (!this.user.emailVerified) throw badRequest(UNVERIFIED_EMAIL_TAKEN);
    let claimed = record;
    if (record.verified !== true) {
      const password = randomToken();
      claimed = await this.update(record, { password, passwordConfirm: password, verified: true });
      await deleteLinksOfRecord(this.tx, this.c.id, record.id);
    }
    await this.link(claimed);
    return claimed;
  }

  /** A new account through the normal create path (create rule, validation, audit, events). */
  private async create(): Promise<RecordData> {
    const options = oauth2Options(this.c);
    const createData = await newAccountData(
      this.tx,
      this.c,
      options.mappedFields,
      this.user,
      this.createData,
    );
    const createCtx = { ...this.ctx, context: "oauth2" };
    let record = (await this.services.records.writer.create(this.c, createData, createCtx, {
      db: this.tx,
    })) as RecordData;
    if (this.user.emailVerified && record.email !== "")
      record = await this.update(record, { verified: true });
    await this.link(record);
    return record;
  }
}

/**
 * Finds or makes the account a provider account signs in to, in one transaction:
 * 1. the record already linked to this provider account;
 * 2. the signed-in caller (of this collection), which gets the provider linked;
 * 3. the record with the provider's email, only if the provider verified that email;
 * 4. a new record (createData + mapped fields), linked.
 */
export async function linkAccount(
  services: AuthDeps,
  c: Collection,
  provider: string,
  user: OAuth2User,
  ctx: RequestContext,
  createData: Record<string, unknown>,
): Promise<LinkedAccount> {
  try {
    return await services.store.transaction((tx) =>
      new AccountLinker(services, c, provider, user, ctx, createData, tx).run(),
    );
  } catch (err) {
    // Two sign-ins of the same new account racing: one wins, the other is told to retry.
    if (uniqueViolationColumns(err)) throw badRequest("Failed to authenticate.");
    throw err;
  }
}
