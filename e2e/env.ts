/** Where the e2e host listens (loopback only). ROUNDTABLE_E2E_PORT moves it when 4780 is taken. */
export const E2E_HTTP_PORT = Number(process.env.ROUNDTABLE_E2E_PORT ?? 4780);
export const E2E_RTC_PORT = E2E_HTTP_PORT * 10;
export const HOST_URL = `http://127.0.0.1:${E2E_HTTP_PORT}`;
