/** Mailer over SMTP with nodemailer: one pooled transport for the process. */
import nodemailer, { type Transporter } from 'nodemailer';
import type { Mail, Mailer } from './index';

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(mail: Mail): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text });
  }

  close(): Promise<void> {
    this.transport.close();
    return Promise.resolve();
  }
}
