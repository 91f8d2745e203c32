"""Patient information leaflets for the demo catalog (see catalog/demo_data.py).

Written in plain English from public product information (UK patient leaflets and SmPCs) under the six
headings of the EU package leaflet. They are demo texts: a real shop publishes the manufacturer's leaflet.
Text stays in Latin-1 (no en dashes or curly quotes) because the PDF renderer uses the core PDF fonts.

Source layout: blank lines separate paragraphs; other line breaks are only source wrapping, except that a
line starting with "- " begins a list item. `leaflet()` turns that into the stored text.
"""

import textwrap
from datetime import date

from .models import LeafletSectionKey
from .services import SectionText

LEAFLETS_REVISED_ON = date(2026, 11, 1)

DEMO_NOTICE = (
    "This is a demonstration leaflet written for a demo shop from public product information. "
    "Always read the leaflet that comes in the pack of your medicine."
)
YELLOW_CARD = (
    "Reporting side effects: if you get any side effects, talk to your doctor, pharmacist or nurse. This "
    "includes any possible side effects not listed in this leaflet. You can also report side effects "
    "directly via the Yellow Card Scheme (yellowcard.mhra.gov.uk)."
)
DISPOSAL = (
    "Do not use this medicine after the expiry date shown on the pack after EXP; it refers to the last day "
    "of that month. Do not throw away medicines in wastewater or household rubbish; ask your pharmacist "
    "how to throw away medicines you no longer use."
)


def _text(source: str) -> str:
    paragraphs = []
    for block in textwrap.dedent(source).strip().split("\n\n"):
        lines: list[str] = []
        for raw in block.splitlines():
            line = raw.strip()
            if lines and not line.startswith("- "):
                lines[-1] += " " + line
            else:
                lines.append(line)
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def leaflet(
    name: str, *, what_it_is: str, before_you_take: str, how_to_take: str, side_effects: str, storage: str,
    contents: str,
) -> tuple[SectionText, ...]:
    """The six sections, headed as the QRD template heads them ('1. What X is and what it is used for')."""
    revised = f"This leaflet was last revised in {LEAFLETS_REVISED_ON:%m/%Y}."
    return (
        SectionText(LeafletSectionKey.WHAT_IT_IS.value, f"1. What {name} is and what it is used for",
                    _text(what_it_is)),
        SectionText(LeafletSectionKey.BEFORE_YOU_TAKE.value,
                    f"2. What you need to know before you take {name}", _text(before_you_take)),
        SectionText(LeafletSectionKey.HOW_TO_TAKE.value, f"3. How to take {name}", _text(how_to_take)),
        SectionText(LeafletSectionKey.SIDE_EFFECTS.value, "4. Possible side effects",
                    _text(side_effects) + "\n\n" + YELLOW_CARD),
        SectionText(LeafletSectionKey.STORAGE.value, f"5. How to store {name}",
                    _text(storage) + "\n\n" + DISPOSAL),
        SectionText(LeafletSectionKey.CONTENTS.value, "6. Contents of the pack and other information",
                    _text(contents) + "\n\n" + DEMO_NOTICE + "\n\n" + revised),
    )


# --- Baclofen (tablets and oral solution share most of their text) ---------------------------------------

BACLOFEN_WHAT_IT_IS = """
    {name} is a muscle relaxant that acts on the brain and spinal cord (baclofen is a GABA-B agonist). It
    is a prescription-only medicine.

    It is used to relieve spasticity: stiff, tight muscles and muscle spasms caused by multiple sclerosis,
    or by injury to or disease of the spinal cord. Doctors may also use it for spasticity caused by some
    conditions of the brain, such as cerebral palsy, stroke or head injury.

    Baclofen is not used for muscle spasm caused by rheumatic conditions, such as arthritis or back strain.
"""

BACLOFEN_BEFORE_YOU_TAKE = """
    Do not take {name} if you are allergic to baclofen or to any of the other ingredients (listed in
    section 6).

    Warnings and precautions. Talk to your doctor or pharmacist before taking {name} if you:
    - have epilepsy or have ever had fits (seizures);
    - have kidney problems: you may need a lower dose;
    - have had a stroke or have problems with the blood supply to the brain;
    - have a mental health problem such as depression, psychosis or confusion, or Parkinson's disease;
    - have breathing or lung problems, or liver problems, or diabetes;
    - have or have had a stomach ulcer, or have difficulty passing urine;
    - are elderly: older people are more likely to get side effects such as drowsiness and confusion.

    A small number of people treated with baclofen have had thoughts of harming or killing themselves.
    If you have these thoughts at any time, contact your doctor or go to a hospital straight away.

    Children. Baclofen can be used in children, at a dose the doctor works out from the child's weight.

    Other medicines and {name}. Tell your doctor or pharmacist if you are taking, have recently taken or
    might take any other medicines. In particular:
    - alcohol and other medicines that cause drowsiness add to the drowsiness caused by baclofen and can
    slow your breathing: strong painkillers (opioids such as codeine, tramadol or morphine), medicines for
    anxiety or sleep (benzodiazepines such as diazepam), sedating antihistamines and medicines for epilepsy;
    - take care with medicines for high blood pressure (such as amlodipine): baclofen lowers blood pressure
    too, so together they can make you dizzy or faint, and your doctor may need to adjust the dose;
    - tricyclic antidepressants (such as amitriptyline) can increase muscle weakness;
    - levodopa for Parkinson's disease can cause confusion, hallucinations or agitation with baclofen;
    - lithium can make movement problems worse;
    - medicines that affect the kidneys, such as ibuprofen, can raise the level of baclofen in the blood.

    {name} with food, drink and alcohol. Avoid alcohol while you take baclofen: it adds to the drowsiness.

    Pregnancy and breast-feeding. If you are pregnant or breast-feeding, think you may be pregnant or are
    planning to have a baby, ask your doctor for advice before taking this medicine. Baclofen is usually
    avoided in pregnancy unless the benefit clearly outweighs the risk.

    Driving and using machines. Baclofen can make you drowsy or dizzy and can affect your eyesight. Do not
    drive, cycle or use tools or machines if you are affected.
"""

BACLOFEN_IF_SOMETHING_GOES_WRONG = """
    If you take more than you should, contact a doctor or go to the nearest hospital emergency department
    straight away, and take the pack with you. Signs of an overdose include severe drowsiness, confusion,
    slow or shallow breathing, muscle weakness, fits and loss of consciousness.

    If you forget a dose, take it as soon as you remember, unless it is nearly time for the next one. Do not
    take a double dose to make up for a forgotten dose.

    If you stop taking {name}: do not stop taking it suddenly. Stopping suddenly can cause withdrawal
    symptoms such as anxiety, confusion, hallucinations, a fast heartbeat, a high temperature, muscle spasms
    that get worse, and fits. When you need to stop, your doctor will reduce the dose gradually, usually
    over 1 to 2 weeks.
"""

BACLOFEN_SIDE_EFFECTS = """
    Like all medicines, {name} can cause side effects, although not everybody gets them. They are most
    likely when you start taking baclofen or when the dose goes up, and often wear off as your body gets
    used to it.

    Stop taking {name} and get medical help straight away if you have signs of an allergic reaction (rash,
    swelling of the face, lips or throat, difficulty breathing), slow or shallow breathing, fits, or
    thoughts of harming yourself. Do not stop suddenly without a doctor's advice (see section 3).

    Very common (more than 1 in 10 people): drowsiness, especially at the start of treatment; feeling sick
    (nausea).

    Common (up to 1 in 10 people): dizziness; weakness; tiredness; confusion; headache; difficulty sleeping;
    feeling low or unusually cheerful; shaking; muscle pain; unsteadiness; blurred vision; dry mouth; being
    sick; constipation or diarrhoea; low blood pressure; sweating; rash; passing urine more often, or pain
    when passing urine.

    Rare (up to 1 in 1,000 people): tingling in the hands or feet, slurred speech, changes in taste,
    stomach pain, changes in liver function, difficulty getting an erection.
"""

BACLOFEN_TABLETS = leaflet(
    "Baclofen",
    what_it_is=BACLOFEN_WHAT_IT_IS.format(name="Baclofen"),
    before_you_take=BACLOFEN_BEFORE_YOU_TAKE.format(name="Baclofen") + """
        Baclofen tablets contain lactose. If your doctor has told you that you cannot tolerate some sugars,
        talk to your doctor before taking this medicine.
    """,
    how_to_take="""
        Always take this medicine exactly as your doctor has told you. Check with your doctor or pharmacist
        if you are not sure.

        Adults: the usual starting dose is 5 mg three times a day. Your doctor will increase the dose
        gradually, usually every 3 days: to 10 mg three times a day, then 15 mg, then 20 mg three times a
        day, until your symptoms are controlled. The usual dose is 40 to 80 mg a day, split into three or
        four doses. Do not take more than 80 mg a day unless a specialist in hospital tells you to.
        Older people and people with kidney problems usually need lower doses.

        Children: the doctor works out the dose from the child's weight.

        Swallow the tablets with a drink of water. If baclofen upsets your stomach, take it with food or
        milk. It may take a few days before you notice the benefit.
    """ + BACLOFEN_IF_SOMETHING_GOES_WRONG.format(name="Baclofen"),
    side_effects=BACLOFEN_SIDE_EFFECTS.format(name="Baclofen"),
    storage="""
        Keep this medicine out of the sight and reach of children.

        Store below 25 °C, in the original package to protect the tablets from moisture.
    """,
    contents="""
        What Baclofen tablets contain: the active substance is baclofen. Each tablet contains 5 mg, 10 mg or
        20 mg of baclofen. The other ingredients are lactose monohydrate, maize starch, povidone, colloidal
        anhydrous silica and magnesium stearate.

        What Baclofen tablets look like and contents of the pack: white, round, flat tablets; the 10 mg and
        20 mg tablets have a score line so they can be divided into equal doses. Each strength comes in
        blister packs of 84 tablets.
    """,
)

BACLOFEN_ORAL_SOLUTION = leaflet(
    "Baclofen oral solution",
    what_it_is=BACLOFEN_WHAT_IT_IS.format(name="Baclofen 5 mg/5 mL oral solution") + """
        The oral solution is a liquid form, useful for people who find tablets hard to swallow.
    """,
    before_you_take=BACLOFEN_BEFORE_YOU_TAKE.format(name="Baclofen oral solution") + """
        Baclofen oral solution contains sorbitol (a sugar alcohol) and methyl and propyl parahydroxybenzoate
        (E218, E216), which may cause allergic reactions, possibly delayed. If your doctor has told you
        that you cannot tolerate some sugars, talk to your doctor before taking this medicine.
    """,
    how_to_take="""
        Always take this medicine exactly as your doctor has told you. Check with your doctor or pharmacist
        if you are not sure. Each 5 mL of solution contains 5 mg of baclofen. Measure each dose with the
        oral syringe in the pack, not a kitchen spoon.

        Adults: the usual starting dose is 5 mL (5 mg) three times a day. Your doctor will increase the dose
        gradually, usually every 3 days: to 10 mL (10 mg) three times a day, then 15 mL, then 20 mL three
        times a day, until your symptoms are controlled. The usual dose is 40 to 80 mg a day. Do not take
        more than 80 mg (80 mL) a day unless a specialist in hospital tells you to. Older people and people
        with kidney problems usually need lower doses.

        Children: the doctor works out the dose from the child's weight.

        If baclofen upsets your stomach, take it with food or milk.
    """ + BACLOFEN_IF_SOMETHING_GOES_WRONG.format(name="Baclofen oral solution"),
    side_effects=BACLOFEN_SIDE_EFFECTS.format(name="Baclofen oral solution"),
    storage="""
        Keep this medicine out of the sight and reach of children.

        Store below 25 °C, in the original bottle. Do not refrigerate or freeze. Write the date you first
        open the bottle on the label, and throw away any solution left after the period printed on the
        label.
    """,
    contents="""
        What Baclofen oral solution contains: the active substance is baclofen; each 5 mL contains 5 mg of
        baclofen. The other ingredients are sorbitol solution, glycerol, methyl parahydroxybenzoate (E218),
        propyl parahydroxybenzoate (E216), flavouring and purified water.

        What it looks like and contents of the pack: a clear, colourless liquid in an amber glass bottle of
        300 mL, with a child-resistant cap and an oral syringe.
    """,
)


# --- Over-the-counter painkillers ---------------------------------------------------------------------

IBUPROFEN = leaflet(
    "Ibuprofen",
    what_it_is="""
        Ibuprofen tablets contain ibuprofen, one of a group of medicines called non-steroidal
        anti-inflammatory drugs (NSAIDs). They relieve pain, reduce swelling and bring down a high
        temperature.

        They are used for headache, migraine, dental pain, period pain, back pain, muscular and rheumatic
        pain, nerve pain, and the aches and fever of colds and flu.
    """,
    before_you_take="""
        Do not take Ibuprofen tablets if you:
        - are allergic to ibuprofen, aspirin or any other NSAID, or to any of the other ingredients;
        - have or have had a stomach ulcer or bleeding, or bleeding after taking an NSAID;
        - have severe heart, kidney or liver failure;
        - are in the last 3 months of pregnancy;
        - are under 12 years old.

        Warnings and precautions. Talk to a pharmacist or doctor first if you have asthma or allergies, high
        blood pressure, heart, kidney or liver problems, lupus (SLE), Crohn's disease or ulcerative colitis,
        or if you are elderly. Medicines such as ibuprofen may slightly increase the risk of heart attack or
        stroke, mainly at high doses or with long use. Do not take more than the recommended dose or for
        longer than needed.

        Other medicines and Ibuprofen tablets. Do not take with other NSAIDs or aspirin above 75 mg a day.
        Ask a pharmacist or doctor first if you take medicines to thin the blood (such as warfarin), for high
        blood pressure or water tablets, steroids, lithium, methotrexate, or antidepressants such as
        sertraline (these raise the risk of bleeding in the stomach).

        Pregnancy and breast-feeding. Do not take ibuprofen in the last 3 months of pregnancy. Earlier in
        pregnancy, or if you are trying to become pregnant, take it only if a doctor advises you to.

        Driving and using machines. Ibuprofen rarely causes dizziness or tiredness; if it does, do not drive.
    """,
    how_to_take="""
        For short-term use only. Take the lowest dose that works, for the shortest time.

        Adults and children aged 12 years and over: take 1 or 2 tablets (200 to 400 mg) with water, up to
        three times a day, as needed. Leave at least 4 hours between doses. Do not take more than 6 tablets
        (1,200 mg) in 24 hours. Take the tablets with or after food if they upset your stomach.

        Do not give to children under 12. If a young person aged 12 to 17 needs this medicine for more than
        3 days, or an adult for more than 10 days, or if symptoms get worse, see a doctor.

        If you take more than you should, talk to a doctor or go to a hospital emergency department straight
        away, even if you feel well, and take the pack with you.
    """,
    side_effects="""
        Stop taking the tablets and get medical help straight away if you have: blood in your vomit or black,
        tarry stools (signs of bleeding in the stomach); severe stomach pain; signs of an allergic reaction
        (swelling of the face, tongue or throat, wheezing or difficulty breathing); a severe skin rash or
        blistering; or asthma that gets worse.

        Uncommon (up to 1 in 100 people): indigestion, stomach ache, feeling sick, headache, rash.

        Rare or very rare: diarrhoea, wind, constipation, being sick; kidney problems; blood disorders (which
        may show as unexplained bruising, bleeding, fever or sore throat); high blood pressure or heart
        failure.
    """,
    storage="""
        Keep this medicine out of the sight and reach of children. Store below 25 °C in the original pack.
    """,
    contents="""
        What Ibuprofen tablets contain: the active substance is ibuprofen, 200 mg in each tablet. The other
        ingredients are microcrystalline cellulose, croscarmellose sodium, maize starch, colloidal silica,
        magnesium stearate and a sugar coating (sucrose, talc, titanium dioxide E171).

        What they look like and contents of the pack: white, round, sugar-coated tablets in blister packs of
        16.
    """,
)


def paracetamol_leaflet(*, pack_size: int) -> tuple[SectionText, ...]:
    """Paracetamol is sold as two products (GSL pack of 16, P pack of 32); only the pack size differs."""
    return leaflet(
        "Paracetamol",
        what_it_is="""
            Paracetamol tablets contain paracetamol, a painkiller that also brings down a high temperature.

            They are used for headache, migraine, toothache, period pain, back pain, muscular and rheumatic
            pain, sore throat, and the aches and fever of colds and flu.
        """,
        before_you_take="""
            Do not take Paracetamol tablets if you are allergic to paracetamol or to any of the other
            ingredients.

            Do not take them with any other medicine that contains paracetamol, such as many cold and flu
            remedies and co-codamol. Taking too much paracetamol can cause serious liver damage.

            Warnings and precautions. Talk to a doctor or pharmacist first if you have liver or kidney
            problems, if you drink more than the recommended amount of alcohol, if you are underweight or
            malnourished, or if you have a severe infection.

            Other medicines. Tell a pharmacist or doctor if you take warfarin or other medicines to thin the
            blood (regular paracetamol can increase their effect), metoclopramide or domperidone (for
            sickness), colestyramine (for cholesterol), or flucloxacillin (an antibiotic).

            With alcohol. Do not drink large amounts of alcohol while taking paracetamol.

            Pregnancy and breast-feeding. Paracetamol can be used, at the lowest dose that works, for the
            shortest time. Ask a doctor if you need it for longer or often.
        """,
        how_to_take="""
            Adults and young people aged 16 years and over: take 1 or 2 tablets every 4 to 6 hours as
            needed. Do not take more than 8 tablets (4 g) in 24 hours, and leave at least 4 hours between
            doses.

            Children aged 10 to 15 years: take 1 tablet every 4 to 6 hours as needed. Do not give more than
            4 tablets in 24 hours.

            Do not give to children under 10 years. Swallow the tablets with water. Do not take for more than
            3 days without talking to a doctor.

            If you take more than you should, talk to a doctor or go to a hospital emergency department at
            once, even if you feel well, because of the risk of delayed, serious liver damage.
        """,
        side_effects="""
            Side effects are rare. Stop taking the tablets and see a doctor straight away if you have an
            allergic reaction (skin rash, swelling of the face or difficulty breathing), a severe skin
            reaction with peeling or blisters, or unexplained bruising, bleeding, fever or sore throat
            (signs of a blood disorder).
        """,
        storage="""
            Keep this medicine out of the sight and reach of children. Store below 25 °C in the original
            pack.
        """,
        contents=f"""
            What Paracetamol tablets contain: the active substance is paracetamol, 500 mg in each tablet. The
            other ingredients are maize starch, pregelatinised starch, povidone, stearic acid and talc.

            What they look like and contents of the pack: white, capsule-shaped tablets with a score line,
            in blister packs of {pack_size}.
        """,
    )


CO_CODAMOL = leaflet(
    "Co-codamol 8/500",
    what_it_is="""
        Co-codamol 8/500 tablets contain two painkillers: codeine phosphate 8 mg (an opioid) and paracetamol
        500 mg. They are used for the short-term relief of acute, moderate pain that is not relieved by
        paracetamol or ibuprofen alone, in adults and children over 12 years old.

        Codeine is a Schedule 5 controlled drug. Taking it regularly for a long time can lead to addiction.
    """,
    before_you_take="""
        Do not take Co-codamol 8/500 tablets if you:
        - are allergic to codeine, paracetamol or any of the other ingredients;
        - are under 12 years old, or are under 18 and have had your tonsils or adenoids removed because of
        obstructive sleep apnoea;
        - know that you turn codeine into morphine very quickly (an "ultra-rapid metaboliser");
        - are breast-feeding;
        - are taking any other medicine that contains paracetamol.

        Warnings and precautions. Do not take for more than 3 days. Taking this medicine regularly,
        especially for a long time, can lead to addiction and to headaches from overuse of painkillers.
        Talk to a doctor or pharmacist first if you have liver or kidney problems, breathing problems or
        asthma, a head injury, problems with your gallbladder, an enlarged prostate, or if you drink a lot
        of alcohol or have ever been addicted to opioids, alcohol or other drugs.

        Other medicines. Taking co-codamol with other medicines that make you drowsy, such as
        benzodiazepines (for example diazepam), other opioids, sleeping tablets or sedating antihistamines,
        increases the risk of drowsiness, difficulty breathing and coma. Tell a pharmacist or doctor if you
        take any of these, or antidepressants called MAOIs, metoclopramide or domperidone, or warfarin.

        With alcohol. Do not drink alcohol while taking this medicine.

        Pregnancy and breast-feeding. Do not take during pregnancy unless a doctor advises it. Do not take
        while breast-feeding.

        Driving and using machines. This medicine can make you drowsy or dizzy. Do not drive if you are
        affected. It is an offence in the UK to drive while your driving is impaired by this medicine.
    """,
    how_to_take="""
        Adults: take 1 or 2 tablets every 4 to 6 hours as needed. Do not take more than 8 tablets in 24
        hours.

        Children aged 16 to 17 years: 1 or 2 tablets every 6 hours as needed, no more than 8 tablets in 24
        hours. Children aged 12 to 15 years: 1 tablet every 6 hours as needed, no more than 4 tablets in 24
        hours. Not for children under 12.

        Do not take for more than 3 days. If the pain does not get better, see a doctor.

        If you take more than you should, go to a hospital emergency department at once, even if you feel
        well, because of the risk of delayed, serious liver damage from the paracetamol.

        If you stop taking it after using it regularly, you may feel restless or irritable for a short
        time; talk to a doctor if this happens.
    """,
    side_effects="""
        Stop taking the tablets and get medical help straight away if you have an allergic reaction, slow or
        shallow breathing, severe drowsiness, or a severe skin reaction.

        Common: constipation, feeling or being sick, drowsiness, dizziness.

        Other possible side effects: headache, confusion, dry mouth, sweating, difficulty passing urine,
        stomach pain (which may be from the gallbladder or pancreas), and dependence or addiction when
        taken for a long time.
    """,
    storage="""
        Keep this medicine out of the sight and reach of children, and where no one else can take it. Store
        below 25 °C in the original pack.
    """,
    contents="""
        What Co-codamol 8/500 tablets contain: the active substances are codeine phosphate hemihydrate 8 mg
        and paracetamol 500 mg in each tablet. The other ingredients are maize starch, pregelatinised
        starch, povidone, microcrystalline cellulose and magnesium stearate.

        What they look like and contents of the pack: white, capsule-shaped tablets in blister packs of 32.
        The pack carries the warning "Can cause addiction. For three days use only."
    """,
)


# --- Other over-the-counter medicines -------------------------------------------------------------------

CETIRIZINE = leaflet(
    "Cetirizine",
    what_it_is="""
        Cetirizine tablets contain cetirizine hydrochloride, an antihistamine that relieves the symptoms of
        allergies.

        They are used for hay fever and year-round allergies (sneezing, itchy, runny or blocked nose, itchy
        and watery eyes) and for nettle rash (hives).
    """,
    before_you_take="""
        Do not take Cetirizine tablets if you are allergic to cetirizine, hydroxyzine or other piperazine
        medicines, or to any of the other ingredients, or if you have severe kidney disease.

        Warnings and precautions. Talk to a pharmacist or doctor first if you have kidney problems,
        epilepsy, or difficulty passing urine (for example because of a spinal cord problem or an enlarged
        prostate). Stop taking cetirizine 3 days before any allergy skin test.

        With alcohol. At normal doses cetirizine does not add to the effect of alcohol, but take care:
        some people become drowsy.

        Pregnancy and breast-feeding. Ask a doctor or pharmacist before taking cetirizine.

        Driving and using machines. Some people feel drowsy. If you do, do not drive or use machines.

        Cetirizine tablets contain lactose. If you cannot tolerate some sugars, talk to your doctor first.
    """,
    how_to_take="""
        Adults and children aged 12 years and over: take 1 tablet once a day, swallowed with water.

        Children aged 6 to 11 years: half a tablet twice a day. Not for children under 6 years.

        If you take more than you should, talk to a doctor or pharmacist; you may feel very drowsy,
        confused or restless. If you forget a dose, take the next one at the usual time.
    """,
    side_effects="""
        Stop taking the tablets and see a doctor straight away if you have signs of an allergic reaction,
        such as swelling of the face or throat or difficulty breathing.

        Common (up to 1 in 10 people): drowsiness, tiredness, dizziness, headache, dry mouth, sore throat,
        feeling sick, diarrhoea.

        Uncommon or rare: stomach pain, restlessness, pins and needles, rash, fast heartbeat, weight gain.
    """,
    storage="""
        Keep this medicine out of the sight and reach of children. Store below 25 °C in the original pack.
    """,
    contents="""
        What Cetirizine tablets contain: the active substance is cetirizine hydrochloride, 10 mg in each
        tablet. The other ingredients are lactose monohydrate, microcrystalline cellulose, colloidal
        silica, magnesium stearate and a film coating (hypromellose, titanium dioxide E171, macrogol).

        What they look like and contents of the pack: white, oblong, film-coated tablets with a score line,
        in blister packs of 30.
    """,
)

OMEPRAZOLE = leaflet(
    "Omeprazole",
    what_it_is="""
        Omeprazole capsules contain omeprazole, a proton pump inhibitor: it reduces the amount of acid the
        stomach makes.

        This pharmacy medicine is for the short-term relief of reflux symptoms, such as heartburn and acid
        coming back up into the mouth, in adults aged 18 and over.
    """,
    before_you_take="""
        Do not take Omeprazole capsules if you are allergic to omeprazole, to other proton pump inhibitors
        or to any of the other ingredients, or if you take nelfinavir (for HIV).

        See a doctor before taking this medicine if you:
        - are over 55 and your symptoms are new or have changed recently;
        - have lost weight without trying, have difficulty or pain swallowing, or have stomach pain or
        indigestion that does not go away;
        - vomit food or blood, or pass black, tarry stools;
        - have had a stomach ulcer or stomach surgery, or have liver problems or jaundice;
        - have needed treatment for indigestion or heartburn continuously for 4 weeks or more.

        Other medicines. Tell a pharmacist if you take clopidogrel, warfarin, phenytoin, diazepam, digoxin,
        methotrexate, tacrolimus, ketoconazole or itraconazole, medicines for HIV such as atazanavir, or
        St John's wort.

        Pregnancy and breast-feeding. Ask a doctor or pharmacist before taking this medicine.
    """,
    how_to_take="""
        Adults aged 18 and over: take 1 capsule (20 mg) once a day for 14 days. Take it in the morning,
        swallowed whole with half a glass of water; do not chew or crush it.

        You may need to take the capsules for 2 to 3 days before you feel better. Do not take them for more
        than 14 days without talking to a doctor. If your symptoms do not improve, or come back soon after
        the course, see a doctor.

        If you forget a dose, take it when you remember on the same day; do not take two capsules in one
        day.
    """,
    side_effects="""
        Stop taking the capsules and see a doctor straight away if you have signs of a serious allergic
        reaction (swelling of the face or throat, difficulty breathing), a severe skin reaction, or
        yellow skin or eyes.

        Common (up to 1 in 10 people): headache, stomach pain, constipation, diarrhoea, wind, feeling or being
        sick, harmless growths (polyps) in the stomach.

        Uncommon or rare: dizziness, difficulty sleeping, rash, itching, swollen feet or ankles, low levels of
        sodium or magnesium in the blood (more likely with long use).
    """,
    storage="""
        Keep this medicine out of the sight and reach of children. Store below 25 °C in the original pack to
        protect the capsules from moisture.
    """,
    contents="""
        What Omeprazole capsules contain: the active substance is omeprazole, 20 mg in each gastro-resistant
        capsule. The other ingredients are sugar spheres (sucrose and maize starch), hypromellose,
        methacrylic acid copolymer, talc, triethyl citrate and a gelatin capsule shell.

        What they look like and contents of the pack: hard capsules with a pink cap and body, in blister
        packs of 14.
    """,
)


# --- Prescription-only medicines --------------------------------------------------------------------------

AMOXICILLIN = leaflet(
    "Amoxicillin",
    what_it_is="""
        Amoxicillin capsules contain amoxicillin, a penicillin antibiotic. It kills the bacteria that cause
        infections.

        It is used to treat bacterial infections of the chest, ears, nose, throat and sinuses, the urinary
        tract, the skin and the teeth, and, together with other medicines, stomach ulcers caused by
        Helicobacter pylori. Antibiotics do not work against viral infections such as colds or flu.
    """,
    before_you_take="""
        Do not take Amoxicillin capsules if you are allergic to amoxicillin, to any penicillin or to any of
        the other ingredients, or if you have ever had a severe allergic reaction (such as a skin rash or
        swelling of the face or throat) to any other antibiotic.

        Warnings and precautions. Tell your doctor or pharmacist before taking amoxicillin if you have
        glandular fever, kidney problems, or are not passing water regularly.

        Other medicines. Tell your doctor or pharmacist if you take allopurinol (skin reactions are more
        likely), probenecid, warfarin or other medicines to thin the blood (you may need more blood tests),
        or methotrexate.

        Pregnancy and breast-feeding. Ask your doctor or pharmacist for advice before taking this medicine.
    """,
    how_to_take="""
        Always take this medicine exactly as your doctor has told you. The usual adult dose is 250 mg to
        500 mg three times a day; your doctor may prescribe a different dose for your infection. Space the
        doses evenly through the day, at least 4 hours apart, and swallow the capsules whole with water.

        Keep taking the capsules until the course is finished, even if you feel better. If you stop too
        early, the infection may come back.

        If you take more than you should, talk to a doctor straight away; you may have an upset stomach. If
        you forget a dose, take it as soon as you remember, and wait about 4 hours before the next one.
    """,
    side_effects="""
        Stop taking the capsules and see a doctor straight away if you have an allergic reaction (itching,
        rash, swelling of the face, lips or throat, difficulty breathing), a severe skin reaction with
        blisters or peeling, or severe or long-lasting diarrhoea with blood or mucus.

        Common (up to 1 in 10 people): skin rash, feeling sick, diarrhoea.

        Uncommon or rare: being sick, thrush (a yeast infection of the mouth or vagina), changes in blood
        tests, kidney or liver problems.
    """,
    storage="""
        Keep this medicine out of the sight and reach of children. Store below 25 °C in the original pack.
    """,
    contents="""
        What Amoxicillin capsules contain: the active substance is amoxicillin (as amoxicillin trihydrate),
        500 mg in each capsule. The other ingredients are magnesium stearate and a gelatin capsule shell
        coloured with iron oxide (E172) and titanium dioxide (E171).

        What they look like and contents of the pack: hard capsules with a maroon cap and a yellow body, in
        blister packs of 21.
    """,
)

AMLODIPINE = leaflet(
    "Amlodipine",
    what_it_is="""
        Amlodipine tablets contain amlodipine, a calcium channel blocker. It relaxes and widens the blood
        vessels so that blood passes through them more easily.

        It is used to treat high blood pressure (hypertension) and a type of chest pain called angina.
    """,
    before_you_take="""
        Do not take Amlodipine tablets if you:
        - are allergic to amlodipine, to other calcium channel blockers or to any of the other ingredients;
        - have very low blood pressure, or are in shock;
        - have narrowing of the main heart valve (aortic stenosis), or heart failure after a heart attack.

        Warnings and precautions. Tell your doctor if you have had a recent heart attack, have heart failure
        or liver disease, or are elderly and your dose needs to be increased.

        Other medicines. Some medicines can raise or lower the level of amlodipine: ketoconazole,
        itraconazole, clarithromycin, erythromycin, ritonavir, rifampicin, St John's wort and diltiazem.
        Amlodipine can raise the levels of simvastatin, tacrolimus and ciclosporin. Other medicines that
        lower blood pressure, and baclofen, can lower it further and make you dizzy.

        With food and drink. Do not drink grapefruit juice or eat grapefruit while taking amlodipine.

        Pregnancy and breast-feeding. Tell your doctor if you are pregnant, planning a pregnancy or
        breast-feeding.

        Driving and using machines. Amlodipine can make you dizzy, tired or give you a headache, especially
        at the start. If it does, do not drive or use machines.
    """,
    how_to_take="""
        Always take this medicine exactly as your doctor has told you. The usual starting dose is 5 mg once
        a day; your doctor may increase it to 10 mg once a day. Take the tablet at the same time each day,
        with a drink of water, with or without food.

        If you take more than you should, your blood pressure may drop dangerously low: get medical help
        straight away. If you forget a dose, skip it and take the next dose at the usual time.

        Do not stop taking amlodipine unless your doctor tells you to; your blood pressure may rise again.
    """,
    side_effects="""
        Get medical help straight away if you have sudden wheezing, chest pain, shortness of breath,
        swelling of the eyelids, face or lips, a severe skin reaction, a heart attack or an irregular
        heartbeat.

        Very common (more than 1 in 10 people): swollen ankles.

        Common (up to 1 in 10 people): headache, dizziness, sleepiness, palpitations, flushing, tiredness,
        stomach pain, feeling sick, changes in bowel habits, blurred or double vision, muscle cramps,
        shortness of breath.
    """,
    storage="""
        Keep this medicine out of the sight and reach of children. Store below 25 °C in the original pack.
    """,
    contents="""
        What Amlodipine tablets contain: the active substance is amlodipine (as amlodipine besilate), 5 mg
        in each tablet. The other ingredients are microcrystalline cellulose, calcium hydrogen phosphate,
        sodium starch glycolate and magnesium stearate.

        What they look like and contents of the pack: white, round tablets with a score line, in blister
        packs of 28.
    """,
)

SERTRALINE = leaflet(
    "Sertraline",
    what_it_is="""
        Sertraline tablets contain sertraline, one of a group of antidepressants called selective serotonin
        reuptake inhibitors (SSRIs).

        They are used to treat depression and to stop it coming back, and to treat obsessive compulsive
        disorder (OCD), panic disorder, social anxiety disorder and post-traumatic stress disorder (PTSD).
    """,
    before_you_take="""
        Do not take Sertraline tablets if you are allergic to sertraline or to any of the other ingredients,
        if you take or have taken in the last 14 days a monoamine oxidase inhibitor (MAOI, such as
        selegiline, moclobemide or linezolid), or if you take pimozide.

        Warnings and precautions. Talk to your doctor before taking sertraline if you have epilepsy, have
        had mania or bipolar disorder, have liver or heart problems, diabetes, glaucoma, or a bleeding
        disorder, or if you have low sodium in your blood. Young adults, especially, may have thoughts of
        harming themselves when they start an antidepressant; if you have such thoughts at any time,
        contact your doctor or go to a hospital straight away.

        Other medicines. Taking sertraline with tramadol, triptans (for migraine), lithium, St John's wort,
        tryptophan or fentanyl can cause serotonin syndrome (agitation, fever, sweating, shaking, muscle
        twitching). Taking it with ibuprofen or other NSAIDs, aspirin or warfarin increases the risk of
        bleeding.

        With food, drink and alcohol. Avoid alcohol and grapefruit juice while taking sertraline.

        Pregnancy and breast-feeding. Talk to your doctor if you are pregnant, planning a pregnancy or
        breast-feeding.

        Driving and using machines. Do not drive or use machines until you know how sertraline affects you.
    """,
    how_to_take="""
        Always take this medicine exactly as your doctor has told you. Take it once a day, in the morning
        or evening, with or without food.

        Depression and OCD: the usual dose is 50 mg a day. Your doctor may increase it in steps of 50 mg, at
        least a week apart, to a maximum of 200 mg a day. Panic disorder, social anxiety disorder and PTSD:
        the usual starting dose is 25 mg a day, increased to 50 mg a day after a week.

        It may take 2 to 4 weeks before you feel better. Keep taking the tablets even if you feel better.

        If you take more than you should, contact a doctor or hospital straight away. If you forget a dose,
        skip it and take the next one at the usual time.

        Do not stop taking sertraline suddenly: you may feel dizzy, numb, anxious or sick, or sleep badly.
        Your doctor will reduce the dose gradually over several weeks.
    """,
    side_effects="""
        See a doctor straight away if you have an allergic reaction, a severe skin reaction, signs of
        serotonin syndrome (see section 2), unusual bleeding or bruising, fits, or thoughts of harming
        yourself.

        Very common (more than 1 in 10 people): difficulty sleeping, dizziness, sleepiness, headache,
        diarrhoea, feeling sick, dry mouth, tiredness, failure to ejaculate.

        Common (up to 1 in 10 people): sore throat, loss of appetite, anxiety, yawning, shaking, sweating,
        indigestion, constipation, reduced sex drive, chest pain.
    """,
    storage="""
        Keep this medicine out of the sight and reach of children. Do not store above 30 °C.
    """,
    contents="""
        What Sertraline tablets contain: the active substance is sertraline (as sertraline hydrochloride),
        50 mg in each tablet. The other ingredients are microcrystalline cellulose, calcium hydrogen
        phosphate, sodium starch glycolate, hydroxypropylcellulose, magnesium stearate and a film coating
        (hypromellose, titanium dioxide E171, macrogol, talc).

        What they look like and contents of the pack: white, capsule-shaped, film-coated tablets with a
        score line, in blister packs of 28.
    """,
)

TRAMADOL = leaflet(
    "Tramadol",
    what_it_is="""
        Tramadol capsules contain tramadol hydrochloride, an opioid painkiller that acts on the brain and
        spinal cord. They are used to treat moderate to severe pain.

        Tramadol is a Schedule 3 controlled drug. It is prescription-only; never give it to anyone else.
    """,
    before_you_take="""
        Do not take Tramadol capsules if you:
        - are allergic to tramadol or to any of the other ingredients;
        - have drunk a lot of alcohol or taken sleeping tablets, other painkillers or medicines that affect
        mood or emotions;
        - take a monoamine oxidase inhibitor (MAOI) or have taken one in the last 14 days;
        - have epilepsy that is not controlled by treatment, or are being treated for opioid withdrawal.

        Warnings and precautions. Tramadol can cause dependence and addiction, and your body may get used to
        it. Talk to your doctor first if you have ever been addicted to opioids, alcohol or other drugs,
        have breathing problems, a head injury, epilepsy or fits, liver or kidney problems, or depression.

        Other medicines. Taking tramadol with benzodiazepines (such as diazepam) or other medicines that
        cause drowsiness, or with alcohol, increases the risk of severe drowsiness, difficulty breathing,
        coma and death. Taking it with antidepressants such as sertraline can cause serotonin syndrome and
        makes fits more likely. Tell your doctor if you take carbamazepine, ondansetron or warfarin.

        With alcohol. Do not drink alcohol while taking tramadol.

        Pregnancy and breast-feeding. Do not take tramadol if you are pregnant or breast-feeding unless your
        doctor has told you to.

        Driving and using machines. Tramadol can make you drowsy or dizzy and blur your vision. Do not drive
        if you are affected. It is an offence in the UK to drive while your driving is impaired by this
        medicine.
    """,
    how_to_take="""
        Always take this medicine exactly as your doctor has told you, at the lowest dose that controls the
        pain. The usual dose for adults and children over 12 is 50 mg or 100 mg every 4 to 6 hours, as
        needed. Do not take more than 400 mg a day. People over 75, or with liver or kidney problems, may
        need longer gaps between doses. Swallow the capsules whole with water.

        If you take more than you should, get medical help straight away: signs include very small pupils,
        being sick, low blood pressure, a fast heartbeat, fits and slow breathing.

        If you stop taking tramadol after taking it for some time, you may get withdrawal symptoms
        (restlessness, anxiety, sweating, shaking, upset stomach). Do not stop suddenly; your doctor will
        reduce the dose gradually.
    """,
    side_effects="""
        Get medical help straight away if you have slow or shallow breathing, an allergic reaction, fits,
        or signs of serotonin syndrome (agitation, fever, sweating, shaking).

        Very common (more than 1 in 10 people): feeling sick, dizziness.

        Common (up to 1 in 10 people): headache, drowsiness, tiredness, constipation, dry mouth, being sick,
        sweating.
    """,
    storage="""
        Keep this medicine out of the sight and reach of children, in a safe place where no one else can
        take it: it can seriously harm people it was not prescribed for. Store below 25 °C in the original
        pack.
    """,
    contents="""
        What Tramadol capsules contain: the active substance is tramadol hydrochloride, 50 mg in each
        capsule. The other ingredients are microcrystalline cellulose, sodium starch glycolate, colloidal
        silica, magnesium stearate and a gelatin capsule shell coloured with iron oxide (E172) and titanium
        dioxide (E171).

        What they look like and contents of the pack: hard capsules with a green cap and a yellow body, in
        blister packs of 30.
    """,
)

DIAZEPAM = leaflet(
    "Diazepam",
    what_it_is="""
        Diazepam tablets contain diazepam, one of a group of medicines called benzodiazepines. It calms,
        relaxes muscles and causes drowsiness.

        It is used for the short-term relief (2 to 4 weeks) of severe anxiety, for sleeplessness caused by
        anxiety, for muscle spasms, and in alcohol withdrawal. Diazepam is a Schedule 4 controlled drug.
    """,
    before_you_take="""
        Do not take Diazepam tablets if you:
        - are allergic to diazepam, to other benzodiazepines or to any of the other ingredients;
        - have severe breathing problems, sleep apnoea, severe liver problems or myasthenia gravis;
        - have a phobia or obsession, or a long-term psychotic illness, without other treatment.

        Warnings and precautions. Diazepam can cause dependence, so it is used for the shortest possible
        time. Talk to your doctor first if you have ever been dependent on alcohol or drugs, have
        depression, kidney, liver or lung problems, or are elderly (you may be more likely to fall).

        Other medicines. Taking diazepam with opioids (such as codeine or tramadol) increases the risk of
        severe drowsiness, difficulty breathing, coma and death; your doctor will only prescribe them
        together if there is no other choice. Other medicines that cause drowsiness add to its effect,
        including baclofen, antidepressants, antipsychotics, medicines for epilepsy and sedating
        antihistamines. Omeprazole and cimetidine can increase the effect of diazepam.

        With alcohol. Do not drink alcohol while taking diazepam.

        Pregnancy and breast-feeding. Do not take diazepam if you are pregnant, planning a pregnancy or
        breast-feeding unless your doctor has told you to.

        Driving and using machines. Diazepam can make you sleepy, forgetful and less alert, and affect your
        coordination, sometimes into the next day. Do not drive or use machines if you are affected. It is
        an offence in the UK to drive while your driving is impaired by this medicine.
    """,
    how_to_take="""
        Always take this medicine exactly as your doctor has told you. Treatment is usually no longer than
        4 weeks, including the time to reduce the dose.

        Anxiety in adults: usually 2 mg three times a day, up to 30 mg a day in divided doses. Muscle
        spasm: 2 mg to 15 mg a day in divided doses. Older people usually need half the adult dose.

        If you take more than you should, get medical help straight away: signs include severe drowsiness,
        confusion, unsteadiness and slow breathing.

        Do not stop taking diazepam suddenly: you may get anxiety, difficulty sleeping, confusion,
        irritability, sweating and, rarely, fits. Your doctor will reduce the dose gradually.
    """,
    side_effects="""
        Get medical help straight away if you have slow or shallow breathing, an allergic reaction, or
        thoughts of harming yourself.

        Very common (more than 1 in 10 people): drowsiness.

        Common (up to 1 in 10 people): tiredness, confusion, unsteadiness, muscle weakness, loss of memory,
        shaking.

        Other possible side effects: headache, dizziness, blurred vision, slurred speech, low blood pressure,
        feeling sick, constipation, changes in sex drive, and, rarely, restlessness, agitation or
        aggression.
    """,
    storage="""
        Keep this medicine out of the sight and reach of children, in a safe place where no one else can
        take it. Store below 25 °C in the original pack to protect the tablets from light.
    """,
    contents="""
        What Diazepam tablets contain: the active substance is diazepam, 5 mg in each tablet. The other
        ingredients are lactose monohydrate, maize starch and magnesium stearate, with yellow iron oxide
        (E172) as colouring.

        What they look like and contents of the pack: pale yellow, round tablets with a score line, in
        blister packs of 28.
    """,
)
