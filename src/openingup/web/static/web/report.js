// The report form's map, address search, category suggestion and per-category questions.
// Progressive enhancement only: without this file the form works with its coordinate and address
// fields and its buttons. The map is self-written (Web Mercator, 256-pixel XYZ tiles): with a tile
// URL template it shows tiles, without one a grid over the municipality's box to place the pin on.
(() => {
  "use strict";
  const TILE = 256;
  const form = document.getElementById("main-form");
  const latInput = document.getElementById("id_lat");
  const longInput = document.getElementById("id_long");
  if (!form || !latInput || !longInput) {
    return;
  }

  const project = (lat, long, zoom) => {
    const size = TILE * 2 ** zoom;
    const sin = Math.sin((Math.max(-85, Math.min(85, lat)) * Math.PI) / 180);
    return {
      x: ((long + 180) / 360) * size,
      y: (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * size,
    };
  };
  const unproject = (x, y, zoom) => {
    const size = TILE * 2 ** zoom;
    const n = Math.PI - (2 * Math.PI * y) / size;
    return {
      lat: (180 / Math.PI) * Math.atan(Math.sinh(n)),
      long: (x / size) * 360 - 180,
    };
  };

  function setupMap(box) {
    const bbox = box.dataset.bbox.split(",").map(Number);
    const [west, south, east, north] = bbox;
    const template = /^(https?:\/\/|\/)/.test(box.dataset.tiles || "") ? box.dataset.tiles : "";
    box.hidden = false;
    const tools = document.createElement("div");
    tools.className = "map-tools";
    const surface = document.createElement("div");
    surface.className = "map-surface";
    surface.tabIndex = 0;
    surface.setAttribute("role", "application");
    surface.setAttribute("aria-label", box.dataset.label);
    const layer = document.createElement("div");
    layer.className = "map-layer";
    const pin = document.createElement("div");
    pin.className = "map-pin";
    pin.title = box.dataset.pin;
    pin.hidden = true;
    surface.append(layer, pin);
    box.append(tools, surface);

    const width = () => surface.clientWidth || 320;
    const height = () => surface.clientHeight || 320;
    let zoom = 1;
    for (let z = 1; z <= 19; z += 1) {
      const a = project(north, west, z);
      const b = project(south, east, z);
      if (b.x - a.x > width() || b.y - a.y > height()) {
        break;
      }
      zoom = z;
    }
    const minZoom = template ? Math.max(1, zoom - 3) : zoom;
    const maxZoom = template ? 19 : zoom + 6;
    let center = project((north + south) / 2, (west + east) / 2, zoom);

    const point = () => {
      const lat = parseFloat(latInput.value);
      const long = parseFloat(longInput.value);
      return Number.isFinite(lat) && Number.isFinite(long) ? { lat, long } : null;
    };
    const origin = () => ({ x: center.x - width() / 2, y: center.y - height() / 2 });

    function draw() {
      const o = origin();
      layer.replaceChildren();
      if (template) {
        const count = 2 ** zoom;
        for (let tx = Math.floor(o.x / TILE); tx <= Math.floor((o.x + width()) / TILE); tx += 1) {
          for (let ty = Math.floor(o.y / TILE); ty <= Math.floor((o.y + height()) / TILE); ty += 1) {
            if (ty < 0 || ty >= count) {
              continue;
            }
            const img = document.createElement("img");
            img.alt = "";
            img.src = template
              .replace("{z}", zoom)
              .replace("{x}", ((tx % count) + count) % count)
              .replace("{y}", ty)
              .replace("{s}", "a");
            img.style.left = `${tx * TILE - o.x}px`;
            img.style.top = `${ty * TILE - o.y}px`;
            layer.append(img);
          }
        }
      } else {
        const step = TILE / 4;
        for (let x = -((o.x % step) + step) % step; x < width(); x += step) {
          const line = document.createElement("div");
          line.className = "map-grid map-grid-v";
          line.style.left = `${x}px`;
          layer.append(line);
        }
        for (let y = -((o.y % step) + step) % step; y < height(); y += step) {
          const line = document.createElement("div");
          line.className = "map-grid map-grid-h";
          line.style.top = `${y}px`;
          layer.append(line);
        }
      }
      const a = project(north, west, zoom);
      const b = project(south, east, zoom);
      const area = document.createElement("div");
      area.className = "map-area";
      Object.assign(area.style, {
        left: `${a.x - o.x}px`,
        top: `${a.y - o.y}px`,
        width: `${b.x - a.x}px`,
        height: `${b.y - a.y}px`,
      });
      layer.append(area);
      const p = point();
      pin.hidden = !p;
      if (p) {
        const at = project(p.lat, p.long, zoom);
        pin.style.left = `${at.x - o.x}px`;
        pin.style.top = `${at.y - o.y}px`;
      }
    }

    function place(x, y) {
      const o = origin();
      const ll = unproject(o.x + x, o.y + y, zoom);
      latInput.value = ll.lat.toFixed(6);
      longInput.value = ll.long.toFixed(6);
      latInput.dispatchEvent(new Event("change"));
      draw();
    }

    function setZoom(next) {
      const z = Math.max(minZoom, Math.min(maxZoom, next));
      const ll = unproject(center.x, center.y, zoom);
      zoom = z;
      center = project(ll.lat, ll.long, zoom);
      draw();
    }

    for (const [label, delta] of [
      [box.dataset.zoomIn, 1],
      [box.dataset.zoomOut, -1],
    ]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button-secondary";
      button.textContent = label;
      button.addEventListener("click", () => setZoom(zoom + delta));
      tools.append(button);
    }

    let drag = null;
    surface.addEventListener("pointerdown", (event) => {
      drag = { x: event.clientX, y: event.clientY, moved: false, center: { ...center } };
      surface.setPointerCapture(event.pointerId);
    });
    surface.addEventListener("pointermove", (event) => {
      if (!drag) {
        return;
      }
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 4) {
        drag.moved = true;
      }
      if (drag.moved) {
        center = { x: drag.center.x - dx, y: drag.center.y - dy };
        draw();
      }
    });
    surface.addEventListener("pointerup", (event) => {
      if (drag && !drag.moved) {
        const rect = surface.getBoundingClientRect();
        place(event.clientX - rect.left, event.clientY - rect.top);
      }
      drag = null;
    });
    surface.addEventListener("keydown", (event) => {
      const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
      if (event.key === "+" || event.key === "=") {
        setZoom(zoom + 1);
      } else if (event.key === "-") {
        setZoom(zoom - 1);
      } else if (moves[event.key]) {
        event.preventDefault();
        const p = point();
        const o = origin();
        const at = p ? project(p.lat, p.long, zoom) : { ...center };
        const step = event.shiftKey ? 50 : 10;
        place(at.x - o.x + moves[event.key][0] * step, at.y - o.y + moves[event.key][1] * step);
      } else {
        return;
      }
      event.preventDefault();
    });
    const follow = () => {
      const p = point();
      if (p) {
        center = project(p.lat, p.long, zoom);
      }
      draw();
    };
    latInput.addEventListener("input", follow);
    longInput.addEventListener("input", follow);
    window.addEventListener("resize", draw);
    follow();
    return { follow };
  }

  const box = document.getElementById("report-map");
  const map = box && box.dataset.bbox ? setupMap(box) : null;

  // Address search without leaving the page; the button still submits when the lookup fails.
  const addressInput = document.getElementById("id_address");
  const results = document.getElementById("address-results");
  const finder = form.querySelector("button[name=find_address]");
  if (addressInput && results && finder) {
    finder.addEventListener("click", async (event) => {
      event.preventDefault();
      try {
        const url = `${form.dataset.addresses || "/report/addresses.json"}?q=${encodeURIComponent(addressInput.value)}`;
        const answer = await fetch(url, { headers: { Accept: "application/json" } });
        if (!answer.ok) {
          throw new Error(String(answer.status));
        }
        const found = await answer.json();
        results.replaceChildren();
        const list = document.createElement("ul");
        list.className = "plain-list";
        for (const item of found) {
          const li = document.createElement("li");
          const button = document.createElement("button");
          button.type = "button";
          button.className = "link-button";
          button.textContent = item.label;
          button.addEventListener("click", () => {
            latInput.value = item.lat.toFixed(7);
            longInput.value = item.long.toFixed(7);
            addressInput.value = item.label;
            results.replaceChildren();
            if (map) {
              map.follow();
            }
            addressInput.focus();
          });
          li.append(button);
          list.append(li);
        }
        const note = document.createElement("p");
        note.textContent = found.length ? results.dataset.choose : results.dataset.none;
        results.append(note);
        if (found.length) {
          results.append(list);
        }
      } catch (error) {
        form.requestSubmit(finder);
      }
    });
  }

  // The questions and notices of the chosen category only.
  const select = document.getElementById("id_service");
  const showQuestions = () => {
    for (const part of form.querySelectorAll("[data-service]")) {
      part.hidden = !select || part.dataset.service !== select.value;
    }
  };
  if (select) {
    select.addEventListener("change", () => {
      select.dataset.suggested = "";
      showQuestions();
    });
    showQuestions();
  }

  // A category suggested from the description, while the visitor has not chosen one.
  const description = document.getElementById("id_description");
  const hint = document.getElementById("suggestion");
  let timer = null;
  if (description && select && hint) {
    description.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        if (select.value && !select.dataset.suggested) {
          return;
        }
        try {
          const url = `${hint.dataset.url}?text=${encodeURIComponent(description.value.slice(0, 4000))}`;
          const found = await (await fetch(url, { headers: { Accept: "application/json" } })).json();
          if (found.length) {
            select.value = found[0].service_code;
            select.dataset.suggested = "1";
            hint.textContent = `${hint.dataset.text} ${found[0].service_name}. ${hint.dataset.change}`;
            showQuestions();
          }
        } catch (error) {
          // no suggestion then; the server suggests one when the form is sent without a category
        }
      }, 600);
    });
  }
})();
