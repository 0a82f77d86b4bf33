//! Text for generated firms: industry stock phrases shared within an industry, and
//! firm-specific sentences composed from varied fragments.

use clonehound_eval::operators::Rng;

pub struct Industry {
    pub key: &'static str,
    pub stock: &'static [&'static str],
    pub services: &'static [&'static str],
    pub clients: &'static [&'static str],
    pub goals: &'static [&'static str],
}

pub const INDUSTRIES: &[Industry] = &[
    Industry {
        key: "software",
        stock: &[
            "We ship small, tested changes every week so that nothing surprises your users.",
            "Security reviews are part of every release, not an afterthought.",
            "Our engineers write the documentation they would want to read themselves.",
            "Cloud costs are measured, reported and cut where they do not pay their way.",
            "Legacy systems are not a dead end: we migrate them piece by piece, without downtime.",
            "Every line of code we deliver is yours, with the history that explains it.",
            "We prefer boring technology that works to fashionable technology that might.",
            "Accessibility is tested with real assistive software before launch.",
            "On-call rotations are shared with your team until they are confident to run it alone.",
            "Our product managers sit with your customers before a single ticket is written.",
        ],
        services: &[
            "Custom software development",
            "Cloud migration",
            "Mobile applications",
            "API design and integration",
            "Data engineering",
            "Site reliability engineering",
            "Security audits",
            "Product discovery workshops",
        ],
        clients: &[
            "start-ups",
            "retail chains",
            "public agencies",
            "banks",
            "hospitals",
            "media groups",
        ],
        goals: &[
            "replace a creaking order system",
            "launch a mobile app in twelve weeks",
            "move their platform to the cloud",
            "cut page load times in half",
            "make sense of their data",
        ],
    },
    Industry {
        key: "consulting",
        stock: &[
            "Good advice is specific, measurable and delivered by the people who gave it.",
            "We do not leave a slide deck behind; we stay until the change has taken hold.",
            "Our partners lead every engagement personally.",
            "Strategy without execution is a wish list, and we have never been fond of wish lists.",
            "Each recommendation comes with the numbers behind it and the risks it carries.",
            "We measure our success by the results our clients still see three years later.",
            "Independence matters: we accept no commissions from the vendors we recommend.",
            "Workshops are short, focused and end with decisions, not more workshops.",
            "Boards trust us with questions they cannot yet discuss in public.",
            "Change sticks when the people doing the work design it.",
        ],
        services: &[
            "Strategy reviews",
            "Operational turnaround",
            "Mergers and integration",
            "Organisation design",
            "Pricing strategy",
            "Procurement advisory",
            "Leadership coaching",
            "Market entry studies",
        ],
        clients: &[
            "family businesses",
            "listed companies",
            "charities",
            "regional governments",
            "private equity funds",
            "manufacturers",
        ],
        goals: &[
            "enter a new market",
            "merge two competing teams",
            "restore margins",
            "prepare for a sale",
            "rebuild trust after a difficult year",
        ],
    },
    Industry {
        key: "finance",
        stock: &[
            "Your money is held in segregated accounts with regulated custodians.",
            "Fees are shown in pounds and pence before you commit, never buried in percentages.",
            "Past performance is not a reliable indicator of future results.",
            "Our advisers are salaried; nobody here is paid by commission.",
            "Every portfolio is reviewed at least twice a year, and whenever your life changes.",
            "We explain risk in plain words and check that you understood it.",
            "Tax rules change; we keep track so that you do not have to.",
            "Capital is at risk, and we will always tell you how much.",
            "Clients can reach a named adviser by phone during office hours.",
            "Reports arrive quarterly and read like letters, not spreadsheets.",
        ],
        services: &[
            "Wealth management",
            "Retirement planning",
            "Business lending",
            "Treasury services",
            "Pension transfers",
            "Inheritance planning",
            "Corporate finance",
            "Insurance brokerage",
        ],
        clients: &[
            "young families",
            "retired teachers",
            "medical practices",
            "farm owners",
            "small exporters",
            "founders after a sale",
        ],
        goals: &[
            "plan for retirement",
            "fund a second factory",
            "pass a business to the next generation",
            "protect savings from inflation",
            "buy a first home",
        ],
    },
    Industry {
        key: "logistics",
        stock: &[
            "Every shipment is tracked from pick-up to signature.",
            "Our warehouses are temperature controlled and audited every quarter.",
            "Customs paperwork is prepared before the goods reach the border.",
            "A named coordinator answers for each contract, day and night.",
            "We run our own fleet, so delivery windows are promises rather than estimates.",
            "Damaged goods are rare, and when they happen the claim is settled in ten days.",
            "Electric vans now cover most of our urban routes.",
            "Same-day collection is available for orders placed before noon.",
            "Our network reaches every postcode in the country.",
            "Seasonal peaks are planned months ahead with our customers' own forecasts.",
        ],
        services: &[
            "Freight forwarding",
            "Contract warehousing",
            "Last-mile delivery",
            "Cold chain transport",
            "Customs brokerage",
            "Fleet management",
            "Reverse logistics",
            "Pallet distribution",
        ],
        clients: &[
            "online shops",
            "pharmaceutical wholesalers",
            "furniture makers",
            "supermarkets",
            "spare-parts dealers",
            "wineries",
        ],
        goals: &[
            "deliver fresh food overnight",
            "open a second distribution hub",
            "handle a tenfold Christmas peak",
            "export to new markets",
            "cut empty miles",
        ],
    },
    Industry {
        key: "health",
        stock: &[
            "Appointments are available within two working days.",
            "Our clinicians are registered with the relevant professional bodies.",
            "Patient records are confidential and stored on encrypted systems.",
            "We work alongside your GP and share results with your consent.",
            "Most treatments are covered by the major health insurers.",
            "Parking and step-free access are available at every clinic.",
            "Interpreters can be booked free of charge.",
            "Evening and weekend appointments suit people who work during the day.",
            "Each plan is written with the patient, not for the patient.",
            "We publish our waiting times and outcomes every month.",
        ],
        services: &[
            "Physiotherapy",
            "Occupational health",
            "Dental care",
            "Diagnostic imaging",
            "Sports medicine",
            "Mental health support",
            "Home nursing",
            "Nutrition advice",
        ],
        clients: &[
            "runners",
            "office workers",
            "older patients",
            "employers",
            "schools",
            "new parents",
        ],
        goals: &[
            "recover after surgery",
            "return to work after an injury",
            "manage chronic pain",
            "keep staff healthy",
            "sleep better",
        ],
    },
    Industry {
        key: "architecture",
        stock: &[
            "Good buildings start with a long walk around the site.",
            "We design for the people who will use a building in fifty years, too.",
            "Planning applications are prepared with the neighbours in mind.",
            "Our drawings are detailed enough that builders rarely need to guess.",
            "Timber, brick and stone are chosen for how they age, not only how they look.",
            "Energy use is modelled from the first sketch.",
            "Every project has one architect who follows it from brief to handover.",
            "We visit the site weekly during construction.",
            "Heritage buildings deserve careful repair before clever additions.",
            "Budgets are checked by an independent cost consultant at each stage.",
        ],
        services: &[
            "Residential design",
            "Heritage restoration",
            "Interior architecture",
            "Urban masterplanning",
            "Planning consultancy",
            "Passive house design",
            "Landscape design",
            "Project management",
        ],
        clients: &[
            "homeowners",
            "housing associations",
            "schools",
            "museums",
            "developers",
            "parish councils",
        ],
        goals: &[
            "extend a Victorian terrace",
            "build a carbon-neutral school",
            "restore a listed mill",
            "turn offices into homes",
            "plan a new village square",
        ],
    },
];

const OPENERS: &[&str] = &["Since", "For more than", "Over the past", "In the"];
const VERBS: &[&str] = &[
    "has helped",
    "has worked with",
    "has supported",
    "has stood beside",
    "has advised",
];
const LINKS: &[&str] = &[
    "to",
    "as they set out to",
    "when they needed to",
    "who wanted to",
];
const VALUES: &[&str] = &[
    "We answer the phone ourselves.",
    "Our clients stay with us because we tell them the truth, including when it is inconvenient.",
    "Most of our work comes from recommendations.",
    "We keep our teams small on purpose.",
    "Quality is checked by someone who did not do the work.",
    "We publish our prices.",
    "We would rather turn a project down than do it badly.",
    "Training takes a tenth of every working week.",
    "Our staff own a share of the company.",
    "We reply to every enquiry within one working day.",
    "Apprentices learn beside our most senior people.",
    "Every office has a budget for local charities chosen by its staff.",
];
const HISTORY: &[&str] = &[
    "{name} began in {year} in a rented room above a bakery in {city}.",
    "{founder} founded {name} in {year} after a decade working for larger rivals.",
    "What started in {city} in {year} as a two-person practice now employs {staff} people.",
    "{name} was set up in {year} by {founder}, who still reads every client survey.",
    "The first office opened in {city} in {year}; today there are {offices}.",
    "In {year}, {founder} left a comfortable job to start {name} with one client and a borrowed laptop.",
];

pub struct Facts {
    pub name: String,
    pub city: &'static str,
    pub year: u32,
    pub staff: u32,
    pub founder: String,
    pub offices: u32,
}

pub const CITIES: &[&str] = &[
    "Leeds",
    "Bristol",
    "Glasgow",
    "Cardiff",
    "Norwich",
    "York",
    "Belfast",
    "Bath",
    "Exeter",
    "Dundee",
    "Lisbon",
    "Rotterdam",
    "Ghent",
    "Porto",
    "Aarhus",
    "Lyon",
];
pub const FIRST: &[&str] = &[
    "Amara", "Tomasz", "Helen", "Rafael", "Ingrid", "Kwame", "Sofia", "Declan", "Mei", "Oliver",
    "Priya", "Jonas", "Ruth", "Mateo", "Aisha", "Callum",
];
pub const LAST: &[&str] = &[
    "Okafor",
    "Nowak",
    "Lindqvist",
    "Moreau",
    "Byrne",
    "Tanaka",
    "Haddad",
    "Fischer",
    "Costa",
    "Murray",
    "Sato",
    "Evans",
    "Kowalski",
    "Reyes",
    "Patel",
    "Dunn",
];

fn fill(template: &str, f: &Facts) -> String {
    template
        .replace("{name}", &f.name)
        .replace("{year}", &f.year.to_string())
        .replace("{city}", f.city)
        .replace("{founder}", &f.founder)
        .replace("{staff}", &f.staff.to_string())
        .replace(
            "{offices}",
            &match f.offices {
                1 => "one".to_owned(),
                n => n.to_string(),
            },
        )
}

fn pick<'a>(rng: &mut Rng, items: &'a [&'a str]) -> &'a str {
    rng.pick(items).copied().unwrap_or("")
}

/// A firm-specific sentence about a client success, from fragments.
pub fn success(rng: &mut Rng, ind: &Industry, f: &Facts) -> String {
    let opener = pick(rng, OPENERS);
    let span = match opener {
        "Since" => f.year.to_string(),
        "In the" => "last decade".to_owned(),
        _ => format!("{} years", 2024 - f.year),
    };
    format!(
        "{opener} {span}, {} {} {} {} {}.",
        f.name,
        pick(rng, VERBS),
        pick(rng, ind.clients),
        pick(rng, LINKS),
        pick(rng, ind.goals)
    )
}

/// `n` sentences: industry stock phrases mixed with firm-specific ones.
pub fn paragraph(rng: &mut Rng, ind: &Industry, f: &Facts, n: usize) -> String {
    let mut out = Vec::new();
    for _ in 0..n {
        let s = match rng.below(4) {
            0 => pick(rng, ind.stock).to_owned(),
            1 => success(rng, ind, f),
            2 => pick(rng, VALUES).to_owned(),
            _ => fill(pick(rng, HISTORY), f),
        };
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out.join(" ")
}

/// A description of one service, specific to the firm.
pub fn service_text(rng: &mut Rng, ind: &Industry, f: &Facts, service: &str) -> String {
    let forms = [
        format!(
            "{service} at {} is led by a senior specialist and priced per phase.",
            f.name
        ),
        format!(
            "Our {} team in {} handles {} for {}.",
            service.to_lowercase(),
            f.city,
            service.to_lowercase(),
            pick(rng, ind.clients)
        ),
        format!(
            "{service}: from a first conversation to a finished result, usually within {} weeks.",
            2 + rng.below(10)
        ),
        format!(
            "Clients choose us for {} because we have done it {} times and counting.",
            service.to_lowercase(),
            40 + rng.below(400)
        ),
    ];
    let a = rng.below(forms.len());
    let b = (a + 1 + rng.below(forms.len() - 1)) % forms.len();
    format!(
        "{} {}",
        forms.get(a).cloned().unwrap_or_default(),
        forms.get(b).cloned().unwrap_or_default()
    )
}

/// Facts of a firm, from its name and a generator.
pub fn facts(rng: &mut Rng, name: &str) -> Facts {
    Facts {
        name: name.to_owned(),
        city: pick(rng, CITIES),
        year: 1950 + rng.below(70) as u32,
        staff: 8 + rng.below(900) as u32,
        founder: format!("{} {}", pick(rng, FIRST), pick(rng, LAST)),
        offices: 1 + rng.below(9) as u32,
    }
}
