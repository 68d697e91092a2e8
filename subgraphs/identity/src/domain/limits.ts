/** Length limits on account input, shared by validation, messages and tests. */
export const EMAIL_MAX = 254;
export const EMAIL_LOCAL_PART_MAX = 64;
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;
export const DISPLAY_NAME_MAX = 80;
