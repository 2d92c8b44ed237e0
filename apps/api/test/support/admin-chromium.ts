import { CHROMIUM_FLAGS, type TestChromium } from "@tasks/testing";
import { type Browser, chromium, type Page } from "playwright-core";

/** Debian's Chromium with the flags every test launch takes (see @tasks/testing). */
export function launchChromium(testChromium: TestChromium): Promise<Browser> {
  return chromium.launch({
    executablePath: testChromium.available ? testChromium.executablePath : undefined,
    args: [...CHROMIUM_FLAGS],
  });
}

/** Opens the web admin at `origin` and logs in through its form, as a person does; waits for the index. */
export async function logInToAdmin(page: Page, origin: string, username: string, password: string): Promise<void> {
  await page.goto(`${origin}/admin/`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("heading", { name: "Site administration" }).waitFor();
}
