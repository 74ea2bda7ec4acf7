"""The web pages in a real browser: Debian's chromium, headless, driven by selenium through
chromedriver, against a live `livret serve` on loopback. Run by LivretWebTests.BrowserTests.

Environment: LIVRET_URL (http://127.0.0.1:PORT), LIVRET_TOKEN_SECRETARIAT, LIVRET_TOKEN_JURY,
LIVRET_TOKEN_ARCHIVISTE, LIVRET_JURY_DIVISION and LIVRET_OTHER_DIVISION (printed both, packaged the first), LIVRET_SAMPLES (Samples/lycee),
LIVRET_NOMENCLATURE (Nomenclature/), LIVRET_JURY_CENTRE, LIVRET_JURY_SESSION, LIVRET_JURY_DIVISION,
LIVRET_OUT (screenshots, downloads). Prints one line per check; exits 1 on the first failure.
"""
import json
import os
import re
import subprocess
import sys
import time
import traceback
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait
from axe_core_python.selenium import Axe

URL = os.environ["LIVRET_URL"].rstrip("/")
OUT = os.environ["LIVRET_OUT"]
DOWNLOADS = os.path.join(OUT, "downloads")
os.makedirs(DOWNLOADS, exist_ok=True)
AXE = Axe()
checked_pages = []


def check(condition, message):
    if not condition:
        raise AssertionError(message)
    print("ok   " + message, flush=True)


def driver():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("LIVRET_CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1000", "--lang=fr-FR", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {
        "download.default_directory": DOWNLOADS, "download.prompt_for_download": False,
        "plugins.always_open_pdf_externally": True,
    })
    service = Service(executable_path=os.environ.get("LIVRET_CHROMEDRIVER", "/usr/bin/chromedriver"))
    browser = webdriver.Chrome(options=options, service=service)
    browser.set_page_load_timeout(60)
    return browser


def audit(browser, name):
    """A full-page screenshot and axe-core's rules; no serious or critical violation allowed."""
    height = browser.execute_script("return Math.max(document.body.scrollHeight, 800)")
    browser.set_window_size(1280, min(int(height) + 40, 6000))
    path = os.path.join(OUT, "page-%02d-%s.png" % (len(checked_pages) + 1, name))
    browser.save_screenshot(path)
    browser.set_window_size(1280, 1000)
    results = AXE.run(browser)
    bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    for v in bad:
        print("axe  %s: %s (%s) on %s" % (name, v["id"], v["impact"],
              ", ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"][:5])))
    minor = [v["id"] + "/" + str(v.get("impact")) for v in results["violations"] if v not in bad]
    check(not bad, "axe-core on %s: no serious or critical violation (%d rules passed%s)" % (
        name, len(results["passes"]), (", minor: " + ", ".join(minor)) if minor else ""))
    lang = browser.execute_script("return document.documentElement.lang")
    check(lang == "fr", "%s: <html lang=\"fr\">" % name)
    checked_pages.append((name, path))


def submit(browser, button):
    """Clicks a form's submit button and waits until the page it was on is gone: click() may
    return before the answer arrives, and a lookup made then finds the old page (or nothing)."""
    page = browser.find_element(By.TAG_NAME, "html")
    try:
        browser.find_element(By.CSS_SELECTOR, button).click()
    except WebDriverException as error:
        # chromedriver may say the clicked node left the document when the answer came at once;
        # whether the form was sent is what the wait below decides.
        if "does not belong to the document" not in error.msg:
            raise

    def gone(_):
        try:
            page.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in error.msg:
                return True
            raise

    WebDriverWait(browser, 300).until(gone)


def sign_in(browser, token, expected_path):
    browser.delete_all_cookies()
    browser.get(URL + "/connexion")
    field = browser.find_element(By.ID, "jeton")
    field.send_keys(token)
    submit(browser, "form[action='/connexion'] button[type=submit]")
    WebDriverWait(browser, 20).until(lambda b: urllib.parse.urlparse(b.current_url).path == expected_path)
    check(token not in browser.current_url, "signed in, landed on %s, the token is not in the URL" % expected_path)
    cookies = {c["name"]: c for c in browser.get_cookies()}
    session = cookies.get("livret_session")
    check(session is not None and session["httpOnly"] and session.get("sameSite") == "Strict",
          "the session cookie is HttpOnly and SameSite=Strict")
    check(token not in json.dumps(browser.get_cookies()), "the token is in no cookie")


def sign_out(browser):
    submit(browser, "form.deconnexion button[type=submit]")
    WebDriverWait(browser, 20).until(lambda b: urllib.parse.urlparse(b.current_url).path == "/connexion")
    browser.get(URL + "/tableau-de-bord")
    check(urllib.parse.urlparse(browser.current_url).path == "/connexion", "after sign-out the pages ask to sign in again")


def wait_download(name_pattern, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for name in os.listdir(DOWNLOADS):
            if re.fullmatch(name_pattern, name) and not name.endswith(".crdownload"):
                return os.path.join(DOWNLOADS, name)
        time.sleep(0.25)
    raise AssertionError("no download matching %s in %s: %s" % (name_pattern, DOWNLOADS, os.listdir(DOWNLOADS)))


def pdf_pages(path):
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def main():
    samples = os.environ["LIVRET_SAMPLES"]
    browser = driver()
    try:
        # Public pages first: sign-in, and a refused token.
        browser.get(URL + "/connexion")
        audit(browser, "connexion")
        browser.find_element(By.ID, "jeton").send_keys("lvt_ceci-nest-pas-un-jeton-valide-0000000000")
        submit(browser, "form[action='/connexion'] button[type=submit]")
        check("refusé" in browser.find_element(By.ID, "resume-erreurs").text, "a wrong token is refused, said at the top")
        check(browser.find_element(By.ID, "jeton").get_attribute("aria-invalid") == "true", "the token field is marked invalid")
        audit(browser, "connexion-refusee")

        # Secrétariat: dashboard, import (a broken file first, then the sample), print run.
        sign_in(browser, os.environ["LIVRET_TOKEN_SECRETARIAT"], "/tableau-de-bord")
        audit(browser, "tableau-de-bord-vide")
        browser.get(URL + "/import")
        broken = os.path.join(OUT, "etablissement-casse.json")
        with open(broken, "w") as f:
            f.write('{"uai": "0382032D",\n "nom": 12\n')
        browser.find_element(By.ID, "eleves").send_keys(os.path.join(samples, "ElevesSansAdresses.xml"))
        browser.find_element(By.ID, "evaluations").send_keys(os.path.join(samples, "import-lsl.xml"))
        browser.find_element(By.ID, "etablissement").send_keys(broken)
        submit(browser, "form[action='/import'] button[type=submit]")
        summary = browser.find_element(By.ID, "resume-erreurs")
        check("etablissement" in summary.text, "a broken profile is refused, summarised at the top: %r" % summary.text.splitlines()[:3])
        near = browser.find_elements(By.CSS_SELECTOR, ".en-erreur #etablissement")
        check(len(near) == 1, "the error sits next to the profile field")
        audit(browser, "import-erreurs")
        browser.get(URL + "/import")
        browser.find_element(By.ID, "eleves").send_keys(os.path.join(samples, "ElevesSansAdresses.xml"))
        browser.find_element(By.ID, "evaluations").send_keys(os.path.join(samples, "import-lsl.xml"))
        browser.find_element(By.ID, "etablissement").send_keys(os.path.join(samples, "etablissement.json"))
        submit(browser, "form[action='/import'] button[type=submit]")
        success = WebDriverWait(browser, 300).until(lambda b: b.find_element(By.CSS_SELECTOR, ".succes"))
        check("140 élèves" in success.text, "the sample lycée is imported: %r" % success.text.splitlines()[1])
        audit(browser, "import-reussi")

        browser.get(URL + "/tableau-de-bord")
        rows = browser.find_elements(By.CSS_SELECTOR, "table tbody tr")
        check(len(rows) >= 4, "the dashboard lists the divisions (%d rows)" % len(rows))

        browser.get(URL + "/tirages/nouveau")
        audit(browser, "tirage-nouveau")
        division = os.environ["LIVRET_JURY_DIVISION"]
        other_division = os.environ["LIVRET_OTHER_DIVISION"]
        browser.find_element(By.ID, "division-" + division).click()
        browser.find_element(By.ID, "division-" + other_division).click()
        browser.find_element(By.ID, "recepisses").click()
        submit(browser, "form[action='/tirages'] button[type=submit]")
        WebDriverWait(browser, 30).until(lambda b: re.fullmatch(r"/tirages/[^/]+", urllib.parse.urlparse(b.current_url).path))
        run_path = urllib.parse.urlparse(browser.current_url).path
        seen = set()
        total = 0
        deadline = time.time() + 900
        while time.time() < deadline:
            try:
                bar = browser.find_element(By.ID, "barre")
                total = int(float(bar.get_attribute("max")))
                value = int(float(bar.get_attribute("value")))
                seen.add(value)
                if total > 1 and value >= total:
                    break
            except Exception:
                pass
            time.sleep(0.2)
        check(total > 1, "the print run of %s and %s counts %d pupils" % (division, other_division, total))
        check(max(seen) == total, "the progress bar reached the end (%d values seen, %d in between)" % (
            len(seen), len([v for v in seen if 0 < v < total])))
        check(len([v for v in seen if 0 < v < total]) > 0, "the bar moved through intermediate values (server-sent events)")
        run_url = browser.current_url
        deadline = time.time() + 300
        while not browser.find_elements(By.CSS_SELECTOR, "#fichiers table") and time.time() < deadline:
            time.sleep(2)
            if not browser.find_elements(By.CSS_SELECTOR, "#fichiers table"):
                browser.get(run_url)
        check(browser.find_elements(By.CSS_SELECTOR, "#fichiers table"), "the finished run lists its files: %s" % browser.find_element(By.ID, "etat").text)
        audit(browser, "tirage-termine")
        links = browser.find_elements(By.CSS_SELECTOR, "#fichiers table a")
        names = [a.text for a in links]
        check(len(names) >= 4, "the run's files are offered: %s…" % ", ".join(names[:6]))
        summary_link = next(a for a in links if a.text.endswith("print-run.json"))
        summary_link.click()
        summary = json.load(open(wait_download(r"print-run\.json")))
        class_link = next(a for a in links if re.fullmatch(r"[^/]+\.pdf", a.text) and "livrets de la classe" in a.find_element(By.XPATH, "../..").text)
        class_name = class_link.text
        class_link.click()
        pdf = wait_download(re.escape(class_name))
        pages = pdf_pages(pdf)
        record = next(f for f in summary["files"] if f["path"] == class_name)
        check(pages == record["pages"] and pages > 0, "the class PDF %s downloads: %d pages (pdfinfo), as print-run.json says" % (class_name, pages))
        # « Récépissés de remise » ticked: the class's receipts are offered and download.
        receipts_link = next((a for a in links if re.fullmatch(r"[^/]+-recepisses\.pdf", a.text)), None)
        check(receipts_link is not None, "the run offers the class's receipts (%s)" % ", ".join(n for n in names if "recepisse" in n)[:200])
        receipts_name = receipts_link.text
        receipts_link.click()
        receipts_pdf = wait_download(re.escape(receipts_name))
        receipt_class = receipts_name[:-len("-recepisses.pdf")]
        one_each = [n for n in names if re.fullmatch(re.escape(receipt_class) + r"/[^/]+-recepisse\.pdf", n)]
        check(len(one_each) > 0 and pdf_pages(receipts_pdf) == len(one_each),
              "the receipts %s download: %d pages, one per pupil's receipt (%d)" % (receipts_name, pdf_pages(receipts_pdf), len(one_each)))

        # The pupils of the divisions; one pupil's page; the jury package; a family's account.
        browser.get(URL + "/eleves?division=" + urllib.parse.quote(other_division))
        other_ine = browser.find_element(By.CSS_SELECTOR, "table tbody tr th a").get_attribute("href").rsplit("/", 1)[1]
        browser.get(URL + "/eleves?division=" + urllib.parse.quote(division))
        audit(browser, "eleves")
        first = browser.find_element(By.CSS_SELECTOR, "table tbody tr th a")
        child_name = first.text
        child_ine = first.get_attribute("href").rsplit("/", 1)[1]
        first.click()
        audit(browser, "eleve")
        check(len(browser.find_elements(By.CSS_SELECTOR, "table tbody tr")) >= 1, "the pupil page of %s lists an archived version" % child_ine)
        browser.get(URL + "/jury/paquets")
        browser.find_element(By.ID, "centre").send_keys(os.environ["LIVRET_JURY_CENTRE"])
        browser.find_element(By.ID, "session").send_keys(os.environ["LIVRET_JURY_SESSION"])
        browser.find_element(By.ID, "divisions").send_keys(division)
        submit(browser, "form[action='/jury/paquets'] button[type=submit]")
        WebDriverWait(browser, 300).until(lambda b: b.find_elements(By.CSS_SELECTOR, "table tbody tr"))
        check("préparé" in browser.find_element(By.CSS_SELECTOR, ".avis").text, "the jury package is made")
        audit(browser, "jury-paquets")
        browser.get(URL + "/utilisateurs")
        Select(browser.find_element(By.ID, "role")).select_by_value("famille")
        browser.find_element(By.ID, "nom").send_keys("Famille de " + child_name)
        browser.find_element(By.ID, "ine").send_keys(child_ine)
        submit(browser, "form[action='/utilisateurs'] button[type=submit]")
        family_token = browser.find_element(By.ID, "jeton-nouveau").get_attribute("value")
        check(len(family_token) >= 22, "a family account is created, its token shown once")
        audit(browser, "utilisateurs")
        browser.get(URL + "/utilisateurs")
        check(family_token not in browser.page_source, "the token is not shown again")
        sign_out(browser)

        # A jury member sees only the candidates of their centre and session.
        sign_in(browser, os.environ["LIVRET_TOKEN_JURY"], "/jury/candidats")
        audit(browser, "jury-candidats")
        rows = browser.find_elements(By.CSS_SELECTOR, "table tbody tr")
        divisions = {r.find_elements(By.TAG_NAME, "td")[0].text for r in rows}
        check(len(rows) > 0 and divisions == {os.environ["LIVRET_JURY_DIVISION"]},
              "the jury sees %d candidates, all of %s" % (len(rows), os.environ["LIVRET_JURY_DIVISION"]))
        browser.get(URL + "/eleves/" + other_ine)
        check(browser.find_element(By.TAG_NAME, "h1").text.startswith("Page introuvable"),
              "a pupil outside the jury's session answers « introuvable »")
        sign_out(browser)

        # A parent sees only their child.
        sign_in(browser, family_token, "/famille")
        audit(browser, "famille")
        sections = browser.find_elements(By.CSS_SELECTOR, "main section")
        check(len(sections) == 1 and child_name in sections[0].text, "the parent sees one child, theirs")
        livret = browser.find_element(By.CSS_SELECTOR, "main section table a")
        livret.click()
        child_pdf = wait_download(r"livret-" + child_ine + r".*\.pdf")
        check(pdf_pages(child_pdf) >= 2, "the parent downloads their child's livret")
        sign_out(browser)

        # The archiviste: journal and verification.
        sign_in(browser, os.environ["LIVRET_TOKEN_ARCHIVISTE"], "/archive")
        submit(browser, "form[action='/archive/verifier'] button[type=submit]")
        WebDriverWait(browser, 300).until(lambda b: b.find_elements(By.CSS_SELECTOR, "[role=status] h3"))
        audit(browser, "archiviste")
        check("consultation" in browser.find_element(By.TAG_NAME, "table").text, "the journal lists the consultations")
        sign_out(browser)

        # Anyone: « Vérifier un document », with the livret the parent downloaded.
        browser.delete_all_cookies()
        browser.get(URL + "/verifier")
        audit(browser, "verifier")
        browser.find_element(By.ID, "document").send_keys(child_pdf)
        submit(browser, "form[action='/verifier'] button[type=submit]")
        verdict = browser.find_element(By.ID, "verdict")
        check(verdict.find_element(By.TAG_NAME, "h2").text == "Document authentique", "the public page says the livret is authentic")
        audit(browser, "verifier-authentique")
        code = os.environ.get("LIVRET_RECEIPT_CODE")
        if code:
            browser.get(URL + "/verifier")
            browser.find_element(By.ID, "code").send_keys(code)
            submit(browser, "form[action='/verifier'] button[type=submit]")
            check(browser.find_element(By.ID, "verdict").find_element(By.TAG_NAME, "h2").text == "Document authentique",
                  "the receipt's QR code is recognised")
        print("%d pages checked" % len(checked_pages))
    except Exception:
        browser.save_screenshot(os.path.join(OUT, "failure.png"))
        print("failed on %s: %s" % (browser.current_url, browser.execute_script("return document.body ? document.body.innerText.slice(0, 800) : ''")))
        raise
    finally:
        browser.quit()


if __name__ == "__main__":
    try:
        main()
    except Exception:
        traceback.print_exc()
        print("FAIL", flush=True)
        sys.exit(1)
