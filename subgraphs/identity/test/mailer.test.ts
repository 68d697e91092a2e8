import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { createLogger, type Logger } from '@learncraft/kit';
import { FileMailer, SmtpMailer, createMailer } from '../src/mail';
import { RESET_REQUEST, register, startTestIdentity } from './helpers';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A local SMTP server on 127.0.0.1 that keeps every message it accepts. */
async function startSmtpServer() {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const silent: Logger = createLogger('test', 'silent');

describe('SmtpMailer against a local SMTP server', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(() => smtp.close());

  it('delivers the mail with sender, recipient, subject and text', async () => {
    const mailer = new SmtpMailer(smtp.url, 'LearnCraft <no-reply@learncraft.dev>');
    try {
      await mailer.send({
        to: 'ada@example.com',
        subject: 'Hello there',
        text: 'Line one\nhttps://x.test/?a=1',
      });
    } finally {
      await mailer.close();
    }
    const mail = smtp.received.at(-1)!;
    expect(mail.from).toBe('no-reply@learncraft.dev');
    expect(mail.to).toEqual(['ada@example.com']);
    expect(mail.raw).toContain('Subject: Hello there');
    expect(mail.raw).toContain('From: LearnCraft <no-reply@learncraft.dev>');
    expect(mail.raw).toContain('https://x.test/?a=1');
  });

  it('rejects when the server cannot be reached', async () => {
    const mailer = new SmtpMailer('smtp://127.0.0.1:1', 'no-reply@learncraft.dev');
    await expect(mailer.send({ to: 'ada@example.com', subject: 's', text: 't' })).rejects.toThrow();
    await mailer.close();
  });

  it('carries identity’s password reset mail when SMTP_URL is set, and writes no file', async () => {
    const identity = await startTestIdentity({
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'reset@learncraft.dev' },
    });
    try {
      const { input } = await register(identity);
      await identity.gql(RESET_REQUEST, { input: { email: input.email } });
      await identity.server.mailIdle();
      const mail = smtp.received.find((candidate) => candidate.to.includes(input.email));
      expect(mail?.from).toBe('reset@learncraft.dev');
      // nodemailer sends long text as quoted-printable: undo soft line breaks and `=3D`.
      const body = mail?.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      expect(body).toMatch(/reset-password\?token=[A-Za-z0-9_-]{43}/);
      expect(await readdir(identity.dataDir)).not.toContain('mail');
    } finally {
      await identity.dispose();
    }
  });
});

describe('FileMailer', () => {
  it('writes <timestamp>-<recipient>.eml into its directory, creating it, and returns the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lc-mail-'));
    try {
      const mailer = new FileMailer(
        join(dir, 'mail'),
        'from@learncraft.dev',
        silent,
        () => new Date('2026-01-02T03:04:05.678Z'),
      );
      const path = await mailer.write({ to: 'ada@example.com', subject: 'Hi', text: 'Body' });
      expect(path).toBe(join(dir, 'mail', '2026-01-02T03-04-05-678Z-ada@example.com.eml'));
      expect(await readFile(path, 'utf8')).toBe(
        [
          'From: from@learncraft.dev',
          'To: ada@example.com',
          'Subject: Hi',
          'Date: Fri, 02 Jan 2026 03:04:05 GMT',
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'Body',
          '',
        ].join('\r\n'),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps both of two mails to one recipient written in the same millisecond', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lc-mail-'));
    try {
      const mailer = new FileMailer(
        dir,
        'from@learncraft.dev',
        silent,
        () => new Date('2026-01-02T03:04:05.678Z'),
      );
      const paths = await Promise.all(
        ['first', 'second'].map((text) => mailer.write({ to: 'ada@example.com', subject: 'Hi', text })),
      );
      expect(paths.map((path) => path.slice(dir.length + 1)).sort()).toEqual([
        '2026-01-02T03-04-05-678Z-1-ada@example.com.eml',
        '2026-01-02T03-04-05-678Z-ada@example.com.eml',
      ]);
      expect((await readdir(dir)).length).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is what createMailer picks without an SMTP URL, and SMTP with one', async () => {
    expect(
      createMailer({ smtpUrl: undefined, from: 'a@b.co', dataDir: '/tmp', logger: silent }),
    ).toBeInstanceOf(FileMailer);
    const smtpMailer = createMailer({
      smtpUrl: 'smtp://127.0.0.1:2525',
      from: 'a@b.co',
      dataDir: '/tmp',
      logger: silent,
    });
    expect(smtpMailer).toBeInstanceOf(SmtpMailer);
    await smtpMailer.close();
  });
});
