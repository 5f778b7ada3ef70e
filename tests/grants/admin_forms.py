"""Read a rendered admin form back into POST data (what a browser would send unchanged), for admin tests."""

from bs4 import BeautifulSoup


def form_data(html: str, form_id: str | None = None) -> dict[str, list[str]]:
    """The fields of the first ``<form method="post">`` (or ``#form_id``) in ``html`` as ``{name: [values]}``.

    Text inputs, hidden inputs, checked checkboxes and radios, selected options and textareas; buttons and file
    inputs are left out. Pass the result to ``client.post(url, data)`` (Django accepts lists as repeated keys).
    """
    soup = BeautifulSoup(html, "html.parser")
    if form_id:
        form = soup.find("form", id=form_id)
    else:
        form = soup.find(lambda tag: tag.name == "form" and (tag.get("method") or "").lower() == "post")
    data: dict[str, list[str]] = {}
    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        if not name:
            continue
        if element.name == "input":
            kind = (element.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                continue
            if kind in ("checkbox", "radio") and not element.has_attr("checked"):
                continue
            default = "on" if kind in ("checkbox", "radio") else ""
            data.setdefault(name, []).append(element.get("value", default))
        elif element.name == "textarea":
            data.setdefault(name, []).append(element.text)
        else:
            selected = [o.get("value", o.text) for o in element.find_all("option") if o.has_attr("selected")]
            if not selected and not element.has_attr("multiple"):
                first = element.find("option")
                selected = [first.get("value", first.text)] if first else []
            data.setdefault(name, []).extend(selected)
    return data
