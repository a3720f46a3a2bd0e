"""Honorifics and titles written before a person's name: one table for
every stage that reads them.

Each row is a word (lower case, without a full stop), the gender it gives
the name it stands before ("m", "f" or "-"), and where it counts:

- `speech`: the quote stage's honorifics. A speaker's name is read without
  them ("Mr. Trump" -> "Trump"), a recognised name is read with the one
  just before it ("Mr" + "Zelensky"), and a speaker noun phrase may
  include them. Matched against spaCy tokens, so a word marked `dotted`
  counts with its full stop too ("Mr.").
- `name`: the entity stage's titles, dropped from the front of a person's
  name ("President Volodymyr Zelensky", "former Gen. Petraeus"); matched
  with any full stop stripped.
- `courtesy`: before a surname alone they make it a person's surname
  ("Ms Zelenska", "Dr Kovalenko"), in the entity stage.

The sets each stage reads are derived below; a word's columns are what
that stage has always matched, so changing a row changes results.
"""

from __future__ import annotations

_TABLE = """
mr              m  speech name courtesy dotted
mrs             f  speech name courtesy dotted
ms              f  speech name courtesy dotted
miss            f  speech name courtesy
mx              -  name
dr              -  speech name courtesy dotted
prof            -  speech name dotted
professor       -  name
sir             m  speech name courtesy
dame            f  speech name courtesy
lord            m  speech name
lady            f  speech name
rev             -  speech name dotted
reverend        -  name
fr              -  speech dotted
father          -  name
gen             -  speech name dotted
general         -  name
sen             -  speech name dotted
senator         -  name
rep             -  speech name dotted
representative  -  name
gov             -  speech name dotted
governor        -  name
lt              -  speech name dotted
lieutenant      -  name
col             -  speech name dotted
colonel         -  name
capt            -  speech name dotted
captain         -  name
sgt             -  speech name dotted
sergeant        -  name
maj             -  speech name dotted
major           -  name
adm             -  speech dotted
admiral         -  name
marshal         -  name
commander       -  name
officer         -  name
hon             -  speech dotted
st              -  speech
saint           -  name
president       -  name
vice            -  name
prime           -  name
minister        -  name
pm              -  name
premier         -  name
chancellor      -  name
secretary       -  name
foreign         -  name
defence         -  name
defense         -  name
state           -  name
deputy          -  name
first           -  name
former          -  name
late            -  name
chief           -  name
speaker         -  name
chairman        -  name
chairwoman      -  name
ambassador      -  name
mayor           -  name
judge           -  name
justice         -  name
coach           -  name
king            -  name
queen           -  name
prince          -  name
princess        -  name
crown           -  name
emir            -  name
sheikh          -  name
pope            -  name
cardinal        -  name
archbishop      -  name
bishop          -  name
ayatollah       -  name
"""


def _rows() -> list[tuple[str, str | None, frozenset[str]]]:
    rows = []
    for line in _TABLE.strip().splitlines():
        word, gender, *uses = line.split()
        rows.append((word, None if gender == "-" else gender, frozenset(uses)))
    return rows


HONORIFIC_TABLE = tuple(_rows())

# The quote stage: words and, where marked `dotted`, the same with a full stop.
SPEECH_HONORIFICS = frozenset(
    form for word, _gender, uses in HONORIFIC_TABLE if "speech" in uses
    for form in ((word, word + ".") if "dotted" in uses else (word,)))
GENDER_OF_HONORIFIC = {
    form: gender for word, gender, uses in HONORIFIC_TABLE if gender and "speech" in uses
    for form in ((word, word + ".") if "dotted" in uses else (word,))}

# The entity stage: compared with the word's full stop stripped.
NAME_TITLES = frozenset(word for word, _gender, uses in HONORIFIC_TABLE if "name" in uses)
COURTESY_TITLES = frozenset(word for word, _gender, uses in HONORIFIC_TABLE if "courtesy" in uses)
