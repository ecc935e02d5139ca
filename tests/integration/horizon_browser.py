"""Debian's Horizon served by scripts/horizon.sh against a test controller, and a headless
Chromium driven through Selenium as a person would use the dashboard.

HorizonServer starts and stops the dashboard (its settings, cache and log in a temporary
directory; the collected static files shared under build/ so they are collected once).
Browser logs in, opens pages, clicks, and fails a step on what a user would see as an error:
Horizon's error pages, a red alert or toast, or a traceback in Horizon's log. It takes a
screenshot at every step into the artifacts directory."""

import os
import re
import shutil
import subprocess
import time

from selenium import webdriver
from selenium.common.exceptions import (NoSuchElementException,
                                        StaleElementReferenceException, WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HORIZON_SH = os.path.join(ROOT, "scripts", "horizon.sh")
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
DASHBOARD = "/usr/share/openstack-dashboard/manage.py"


def missing_requirements():
    """What this machine lacks to run the dashboard tests, or None."""
    for path, package in ((DASHBOARD, "openstack-dashboard"), (CHROMIUM, "chromium"),
                          (CHROMEDRIVER, "chromium-driver")):
        if not os.path.exists(path):
            return "%s is missing (scripts/install-deps.sh installs %s)" % (path, package)
    return None


# visible(css): the elements matching css that have a box and are not hidden by CSS.
VISIBLE_JS = """
    function visible(css) {
      return Array.from(document.querySelectorAll(css)).filter(e =>
          e.getClientRects().length > 0 &&
          e.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}));
    }
"""


class HorizonError(AssertionError):
    pass


class HorizonServer:
    """scripts/horizon.sh start|stop with a private state directory."""

    def __init__(self, keystone_url, state_dir, port, static_dir=None):
        self.state_dir = state_dir
        self.url = "http://127.0.0.1:%d" % port
        self.env = dict(os.environ, NEUTRINO_HORIZON_STATE=state_dir,
                        NEUTRINO_HORIZON_LISTEN="127.0.0.1:%d" % port,
                        NEUTRINO_KEYSTONE_URL=keystone_url,
                        NEUTRINO_HORIZON_STATIC=static_dir or os.path.join(
                            os.environ.get("NEUTRINO_BIN_DIR", os.path.join(ROOT, "build", "bin")),
                            "..", "horizon-static"))
        self.log_offset = 0

    @property
    def log_path(self):
        return os.path.join(self.state_dir, "horizon.log")

    def _run(self, action, timeout=300):
        return subprocess.run([HORIZON_SH, action], env=self.env, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)

    def start(self):
        t0 = time.monotonic()
        result = self._run("start")
        if result.returncode != 0:
            raise RuntimeError("horizon.sh start failed:\n%s%s%s" % (
                result.stdout, result.stderr, self.log_text()[-3000:]))
        return time.monotonic() - t0

    def stop(self):
        return self._run("stop", timeout=60)

    def log_text(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def new_log(self):
        """What Horizon logged since the last call (of this or new_tracebacks)."""
        text = self.log_text()
        fresh, self.log_offset = text[self.log_offset:], len(text)
        return fresh

    def new_tracebacks(self):
        """Tracebacks Horizon logged since the last call (each with the lines before it)."""
        lines = self.new_log().splitlines()
        return ["\n".join(lines[max(0, i - 3):i + 25]) for i, line in enumerate(lines)
                if line.startswith("Traceback")]


class Browser:
    """One headless Chromium session on the dashboard."""

    def __init__(self, horizon, artifacts_dir):
        self.horizon = horizon
        # Chromium hangs at start on a --user-data-dir with ".." in it (no DevToolsActivePort).
        self.artifacts = os.path.realpath(artifacts_dir)
        os.makedirs(self.artifacts, exist_ok=True)
        self.step = 0
        options = webdriver.ChromeOptions()
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                    "--disable-gpu", "--window-size=1440,1000",
                    "--user-data-dir=" + os.path.join(self.artifacts, "chromium-profile")):
            options.add_argument(arg)
        options.binary_location = CHROMIUM
        self.driver = webdriver.Chrome(service=Service(
            CHROMEDRIVER, log_path=os.path.join(self.artifacts, "chromedriver.log")),
            options=options)
        self.driver.set_page_load_timeout(120)

    def quit(self):
        try:
            self.driver.quit()
        except WebDriverException:
            pass
        shutil.rmtree(os.path.join(self.artifacts, "chromium-profile"), ignore_errors=True)

    # --- evidence ------------------------------------------------------------------------------

    def screenshot(self, name):
        self.step += 1
        path = os.path.join(self.artifacts, "%02d-%s.png" % (self.step, name))
        try:
            self.driver.save_screenshot(path)
        except WebDriverException:
            return None
        return path

    def errors_shown(self):
        """Error alerts and toasts on the page, Horizon's error pages' titles."""
        shown = []
        for css in (".alert-danger", ".alert-error", ".toast-error",
                    ".messages .alert.alert-danger"):
            for e in self.find_all(css):
                try:
                    if e.is_displayed() and e.text.strip():
                        shown.append(e.text.strip())
                except StaleElementReferenceException:
                    pass
        title = self.driver.title
        if re.search(r"Server error|Page not found|Forbidden|Unauthorized|Error",
                     title, re.I):
            shown.append("page title: " + title)
        return shown

    def check(self, name, allow=()):
        """Fails on errors shown or Horizon tracebacks since the last check; screenshots."""
        self.screenshot(name)
        shown = [e for e in self.errors_shown() if not any(re.search(a, e) for a in allow)]
        tracebacks = [t for t in self.horizon.new_tracebacks()
                      if not any(re.search(a, t) for a in allow)]
        if shown or tracebacks:
            raise HorizonError("%s: %s at %s\n%s" % (name, shown, self.driver.current_url,
                                                   "\n---\n".join(tracebacks)))

    # --- navigation ----------------------------------------------------------------------------

    def open(self, path):
        self.driver.get(self.horizon.url + path)
        self.wait_quiet()

    def wait_quiet(self, timeout=30):
        """Until jQuery and Angular have no request in flight (the pages load tables by AJAX)."""
        script = """
            var busy = (window.jQuery && jQuery.active) || 0;
            if (window.angular) {
              try {
                var injector = angular.element(document.body).injector();
                if (injector) { busy += injector.get('$http').pendingRequests.length; }
              } catch (e) {}
            }
            return document.readyState === 'complete' && busy === 0;"""
        self.wait_for(lambda: self.driver.execute_script(script), "page quiet", timeout)
        time.sleep(0.3)

    def wait_for(self, predicate, what, timeout=60, interval=0.25):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                value = predicate()
                if value:
                    return value
            except (NoSuchElementException, StaleElementReferenceException) as e:
                last = e
            time.sleep(interval)
        self.screenshot("timeout")
        raise HorizonError("timed out waiting for %s (%s) at %s" % (what, last,
                                                                      self.driver.current_url))

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def visible(self, css):
        """The elements matching `css` that are shown, in one call: asking Selenium element by
        element costs a round trip each, seconds on a page of hundreds of links."""
        return self.driver.execute_script(VISIBLE_JS + "return visible(arguments[0]);", css)

    def click(self, css):
        element = self.wait_for(lambda: self.visible(css), css)[0]
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()
        return element

    def click_text(self, text, css="a, button"):
        """Clicks the visible link or button whose text is `text`."""
        def match():
            return self.driver.execute_script(
                VISIBLE_JS + "return visible(arguments[0]).filter("
                "e => e.innerText.trim() === arguments[1]);", css, text)
        element = self.wait_for(match, "%r" % text)[0]
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()
        return element

    def type(self, css, text):
        element = self.wait_for(lambda: self.visible(css), css)[0]
        element.clear()
        element.send_keys(text)
        return element

    def choose(self, css, text):
        """Picks the option `text` of a <select>: Horizon's themed selects hide the native one
        behind a dropdown, so the value is set as that dropdown sets it, with a change event."""
        select = self.wait_for(lambda: self.find_all(css), css)[0]
        found = self.driver.execute_script("""
            var select = arguments[0], text = arguments[1];
            for (var i = 0; i < select.options.length; i++) {
              if (select.options[i].text.trim() === text) {
                select.value = select.options[i].value;
                select.dispatchEvent(new Event('change', {bubbles: true}));
                if (window.jQuery) { jQuery(select).trigger('change'); }
                return true;
              }
            }
            return false;""", select, text)
        if not found:
            raise HorizonError("no option %r in %s" % (text, css))

    def page_text(self):
        return self.find("body").text

    # --- sessions ------------------------------------------------------------------------------

    def login(self, user, password, domain="Default"):
        self.driver.delete_all_cookies()
        self.open("/auth/login/")
        self.type("#id_domain", domain)
        self.type("#id_username", user)
        self.type("#id_password", password)
        self.click("#loginBtn")
        self.wait_for(lambda: "/auth/login" not in self.driver.current_url, "logged in", 90)
        self.wait_quiet()

    def logout(self):
        self.open("/auth/logout/")
        self.wait_for(lambda: self.visible("#id_username"), "the login form after logout")
