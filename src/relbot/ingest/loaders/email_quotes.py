"""Where older mail starts inside a body: attribution lines, header blocks and separators, in many languages.

Every detector looks at one position of a list of body lines and answers for that position only, so
``email_body`` can walk the lines once and decide what to keep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPACES = re.compile(r"\s+")
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A time (12:32, 17.50), a four-digit year or a numeric date: what every client puts in its attribution.
_DATEISH = re.compile(r"\d{1,2}[:.]\d{2}\b|\b(?:19|20)\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\d{4}年")
_WEEKDAY_OR_MONTH = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\w*\.?"
_EN_OPENER = re.compile(rf"^[-*\s]*On\s+(?:{_WEEKDAY_OR_MONTH}|\d)", re.IGNORECASE)
# First words of attribution lines in other languages (Gmail, Apple Mail, Outlook, Thunderbird).
_OPENER = re.compile(
    r"^[-*\s]*(?:Am|Le|El|Op|Il|Em|Den|På|W dniu|Dnia|In data|Vào|Dne|Dana|Pada|Na|\d+|\S+ <[^>]*@)\b", re.IGNORECASE
)

# The attribution patterns, matched against the attribution joined into one line (it may wrap over 2-4 lines).
_EN_WROTE = re.compile(rf"^[-*\s]*On\s+(?:{_WEEKDAY_OR_MONTH}|\d).{{2,300}}?\b(?:wrote|writes|sent)\s*:?\s*-*$", re.I)
_VERBS = (
    r"wrote|writes|schrieb|a\s+\S*crit|escribi\S*|escreveu|schreef|geschreven|ha\s+scritto|ha\s+escrit|skrev"
    r"|napisa\S*|pisze|kirjoitti|написал\S*|написав|đã viết|írta|napsal\S*|yazdı|scrisse"
)
_VERB_AT_END = re.compile(rf"(?:\b(?:{_VERBS})\s*[:：]|写道[:：]|작성:|のメッセージ:)\s*$", re.IGNORECASE)
_VERB_THEN_COLON = re.compile(rf"\b(?:{_VERBS})\b.{{1,160}}[:：]\s*$", re.IGNORECASE)
_DASHED_WROTE = re.compile(r"^-{2,}\s*\S.{0,200}\bwrote\s*-{2,}$", re.IGNORECASE)  # Android: "---- Bob wrote ----"
_EMBEDDED_EN = re.compile(rf"^(?P<lead>.*?\S)[\s-]*\bOn\s+(?:{_WEEKDAY_OR_MONTH}|\d).{{2,200}}\bwrote:\s*$", re.I)

_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(?:Original Message|Reply Message|Ursprüngliche Nachricht|Antwort Nachricht|Oprindelig meddelelse"
    r"|Oprindelig besked|Message d'origine|Mensaje original|Messaggio originale|Oorspronkelijk bericht"
    r"|Originalmeddelande|Ursprungligt meddelande|Opprinnelig melding|Wiadomość oryginalna|Mensagem original"
    r"|Původní zpráva|Alkuperäinen viesti|Eredeti üzenet|Исходное сообщение)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_FORWARD = re.compile(
    r"^\s*(?:-{2,}\s*(?:Forwarded message|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado"
    r"|Messaggio inoltrato|Doorgestuurd bericht|Videresendt meddelelse|Vidarebefordrat meddelande"
    r"|Mensagem encaminhada)\s*-{2,}|Begin forwarded message:|Début du message réexpédié :"
    r"|Anfang der weitergeleiteten Nachricht:|-{3,}\s*Forwarded by \S.*)\s*$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^\s*(?:_{2,}|={3,}|-{3,}|\*{3,})\s*$")

# Outlook-style header fields by language, grouped by what they say.
_FIELDS = {
    "from": "From|Von|De|Van|Da|Fra|Från|Od|Lähettäjä|Feladó|От|Expéditeur|Remitente|Mittente|Afzender"
    "|发件人|寄件者|差出人",
    "date": "Sent|Date|Datum|Dato|Data|Gesendet|Envoyé|Envoyé le|Verzonden|Inviato|Sendt|Skickat|Wysłano|Enviado"
    "|Enviada|Lähetetty|Päivämäärä|Dátum|Отправлено|Дата|发送时间|日期|送信日時|Message du",
    "to": "To|An|À|A|Aan|Til|Till|Do|Para|Vastaanottaja|Címzett|Кому|收件人|宛先|Destinataire|Destinatario",
    "cc": "Cc|Kopie|Copie à|Kopia|Kopio|Másolat|Копия|抄送",
    "subject": "Subject|Betreff|Objet|Sujet|Onderwerp|Oggetto|Emne|Ämne|Temat|Asunto|Assunto|Aihe|Tárgy|Тема|主题|件名",
}
_FIELD = re.compile(
    "^\\s*[*_]*(?:" + "|".join(f"(?P<{kind}>{names})" for kind, names in _FIELDS.items()) + ")[*_]*\\s*:",
    re.IGNORECASE,
)
# Lotus Notes: "Sterling Koch   2001/10/05 03:59 PM" or '"Name" <addr> on 10/17/2001 10:00 AM', then a To: block.
_NOTES_SENDER = re.compile(
    r"^\s*\S.{0,80}?\s(?:on\s+)?\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:AM|PM)?\s*$", re.I
)
_SENTENCE_END = re.compile(r"(?<!\d)[.!?]$")
_WINDOW = 4  # an attribution wraps over at most this many lines after its first
_MAX_CHARS = 600  # and is short, however it wraps


@dataclass(frozen=True)
class Attribution:
    """The "On <date>, <person> wrote:" lines ``start..end`` (inclusive); ``lead`` is reply text sharing the line."""

    start: int
    end: int
    lead: str = ""


def is_quote(line: str) -> bool:
    """A ``>`` quoted line; ``>>> link <<<`` arrows around a link are decoration, not a quote."""
    stripped = line.lstrip()
    return stripped.startswith(">") and not stripped.rstrip().endswith("<<<")


def is_separator(line: str) -> bool:
    return bool(_SEPARATOR.match(line))


def is_forward_marker(line: str) -> bool:
    return bool(_FORWARD.match(line))


def starts_header_block(lines: list[str], i: int) -> bool:
    """An Outlook-style header block (From/Sent/To/Subject in any language) or a Lotus Notes one starts at ``i``."""
    return _is_header_block(lines, i) or _is_notes_header(lines, i)


def is_header_preamble(line: str) -> bool:
    """What clients put right above a quoted header block: a rule (``____``, ``====``), Lotus Notes' label."""
    return bool(_RULE.match(line)) or line.strip() == "INTERNET MAIL"


def _field_kind(line: str) -> str | None:
    found = header_field(line)
    return found[0] if found else None


def header_field(line: str) -> tuple[str, str] | None:
    """(kind, value) of a quoted header line in any of the languages above: kind is from, date, to, cc or subject."""
    match = _FIELD.match(line)
    if not match:
        return None
    kind = next(kind for kind, value in match.groupdict().items() if value)
    return kind, line[match.end():].strip().strip("*_").strip()


def _is_header_block(lines: list[str], i: int) -> bool:
    kind = _field_kind(lines[i])
    if kind is None:
        return False
    if kind == "from" and (_ADDRESS.search(lines[i]) or "mailto:" in lines[i]):
        return True  # "From: Bob <bob@example.com>" alone already is a quoted header
    kinds = {kind}
    for line in lines[i + 1 : i + 9]:
        if not line.strip():
            break
        kinds |= {k} if (k := _field_kind(line)) else set()
    return _is_header_set(kinds)


def _is_header_set(kinds: set[str]) -> bool:
    if "from" in kinds:
        return len(kinds) >= 2
    dated = "date" in kinds and bool(kinds & {"to", "subject"})
    return dated or ({"to", "subject"} <= kinds and len(kinds) >= 3)


def _is_notes_header(lines: list[str], i: int) -> bool:
    if not _NOTES_SENDER.match(lines[i]):
        return False
    return any(_field_kind(line) == "to" for line in lines[i + 1 : i + 5])


def attribution_at(lines: list[str], i: int) -> Attribution | None:
    """The attribution starting at line ``i``, if one does (possibly wrapped over several lines)."""
    embedded = _embedded_attribution(lines[i])
    if embedded is not None:
        return Attribution(i, i, lead=embedded)
    for end in _window_ends(lines, i):
        if not _matches(_joined(lines, i, end), single=end == i, next_quoted=_next_is_quote(lines, end)):
            continue
        if not _is_opener(lines[i]) and any(_starts_later(lines, j) for j in range(i + 1, end + 1)):
            return None  # the attribution starts on a later line; line i is reply text
        return Attribution(i, _extend(lines, i, end))
    return None


def _embedded_attribution(line: str) -> str | None:
    """The reply text before an "On <date>, Bob wrote:" that a client appended to the reply's last line."""
    head, tail = line[:-_MAX_CHARS], line[-_MAX_CHARS:]  # an attribution is short: look at the line's end only
    embedded = _EMBEDDED_EN.match(tail)
    if embedded is None or (not head and _EN_OPENER.match(tail)):
        return None
    return (head + embedded["lead"]).rstrip(" -")


def _starts_later(lines: list[str], j: int) -> bool:
    """An attribution of its own starts at ``j``, not the wrapped rest of one ("<addr> wrote:", "ha scritto:").

    The first line of an attribution carries its date or its opening words; the rest does not.
    """
    found = attribution_at(lines, j) if lines[j].strip() else None
    if found is None or _is_opener(lines[j]) or _DATEISH.search(_joined(lines, j, found.end)):
        return found is not None
    first = lines[j].lstrip()[0]
    return not (first.islower() or first in "<([>")


def _window_ends(lines: list[str], i: int) -> list[int]:
    """Candidate last lines: up to _WINDOW further lines, crossing at most one blank line.

    A line that ends a sentence cannot be inside an attribution ("23." in a German date can).
    """
    ends: list[int] = []
    blanks = chars = 0
    for end in range(i, min(len(lines), i + _WINDOW + 1)):
        line = lines[end].rstrip()
        chars += len(line)
        if chars > _MAX_CHARS:
            break
        if not line:
            blanks += 1
            if blanks > 1:
                break
            continue
        ends.append(end)
        if _SENTENCE_END.search(line):
            break
    return ends


def _extend(lines: list[str], start: int, end: int) -> int:
    """A weak match ("<name> <address>" before a quote) may continue with the "wrote:" line that ends it."""
    for later in _window_ends(lines, end + 1)[:2]:
        if _strong(_joined(lines, start, later)):
            return later
    return end


def _joined(lines: list[str], start: int, end: int) -> str:
    parts = [lines[start]] + [line.lstrip().lstrip(">") for line in lines[start + 1 : end + 1]]
    return _SPACES.sub(" ", " ".join(parts)).strip()


def _strong(text: str) -> bool:
    """Ends the way attributions end: a "wrote" verb (and a colon), with a date or an address."""
    if _DASHED_WROTE.match(text):
        return True
    if not (_DATEISH.search(text) or _ADDRESS.search(text)):
        return False
    if _EN_WROTE.search(text) or _VERB_AT_END.search(text):
        return True
    return bool(_DATEISH.search(text) and _VERB_THEN_COLON.search(text))  # "Am <date> schrieb <name>:"


def _matches(text: str, *, single: bool, next_quoted: bool) -> bool:
    if _strong(text):
        return True
    # Gmail's date-first form: "2014-03-20 8:48 GMT+01:00 Rémi <remi@example.com>:", in any language.
    dated_address = bool(_DATEISH.search(text) and _ADDRESS.search(text))
    if dated_address and text.endswith((":", "：")):
        return True
    return single and dated_address and next_quoted and text.endswith(">")


def _is_opener(line: str) -> bool:
    return bool(_EN_OPENER.match(line) or _OPENER.match(line))


def _next_is_quote(lines: list[str], end: int) -> bool:
    following = next((line for line in lines[end + 1 :] if line.strip()), "")
    return is_quote(following)
