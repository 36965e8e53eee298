"""Small files in the official formats of the EU terrorist list (the FSF XML export) and the UK list of
proscribed organisations (the GOV.UK page), written by us for the tests. Hezbollah's entries carry its
real listing dates; every other group is made up, so that it matches nothing in our knowledge base."""

from __future__ import annotations

EU_FSF = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-06-05T15:51:25.849+02:00"
        globalFileId="1001">
  <sanctionEntity designationDetails="" designationDate="2013-07-25" unitedNationId=""
      euReferenceNumber="EU.9001.1" logicalId="11">
    <regulation regulationType="amendment" organisationType="council" publicationDate="2013-07-26"
        entryIntoForceDate="2013-07-26" numberTitle="TEST/1 (OJ L1)" programme="TERR" logicalId="101">
      <publicationUrl>https://eur-lex.europa.eu/test/1</publicationUrl>
    </regulation>
    <subjectType code="enterprise" classificationCode="E"/>
    <nameAlias firstName="" middleName="" lastName="" wholeName="Hizballah Military Wing" strong="true"
        logicalId="1001"/>
    <nameAlias wholeName="Hezbollah Military Wing" strong="false" logicalId="1002"/>
  </sanctionEntity>
  <sanctionEntity designationDate="2004-05-06" euReferenceNumber="EU.9001.2" logicalId="12">
    <regulation regulationType="amendment" publicationDate="2004-05-07" programme="TERR" logicalId="102"/>
    <subjectType code="enterprise" classificationCode="E"/>
    <nameAlias wholeName="Northern Example Brigades (a.k.a. NEB)" strong="true" logicalId="1003"/>
  </sanctionEntity>
  <sanctionEntity euReferenceNumber="EU.9001.3" logicalId="13">
    <regulation regulationType="amendment" publicationDate="2020-01-15" programme="IRQ" logicalId="103"/>
    <subjectType code="enterprise" classificationCode="E"/>
    <nameAlias wholeName="Hezbollah" strong="true" logicalId="1004"/>
  </sanctionEntity>
</export>
"""

UK_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><title>Proscribed terrorist groups or organisations - GOV.UK</title></head>
<body>
<header><h2>Navigation menu</h2></header>
<main id="content">
  <h1>Proscribed terrorist groups or organisations</h1>
  <h2>Contents</h2>
  <ul><li>Proscribed organisations</li></ul>
  <h2>Proscribed organisations</h2>
  <p>The following organisations are proscribed under the Terrorism Act 2000.</p>
  <h3>Hizballah (Party of God)</h3>
  <p>A Lebanese organisation. Its whole organisation was proscribed on 1 March 2019; before that
     date only its military wing was on the list.</p>
  <h3>Example Liberation Army</h3>
  <p>A made-up group for the tests, proscribed in March 2001.</p>
  <h3>Example Coastal Front (ECF)</h3>
  <p>Another made-up group.</p>
  <p>It was proscribed in November 2002.</p>
  <h2>Northern Ireland</h2>
  <p>Groups proscribed under earlier legislation, 1 January 1990.</p>
</main>
<footer><h2>Support links</h2></footer>
</body>
</html>
"""
