"""One model of people, companies, places, bank cards and invoices behind every service.

Each entity is deterministic for its key (a user id, an image digest) and the simulator seed, and
holds together the way a real one does: a person's ID number encodes their home district, birth
date and gender; their landline has their city's area code; a company's e-mails use its domain; a
bank card's BIN belongs to the bank it names and it is valid after the simulator clock's "now".
:mod:`~simulator.fake.entities.checks` holds the coherence checks tests use.
"""

from simulator.fake.entities.cards import BankCard, bank_card
from simulator.fake.entities.companies import CardHolder, Company, card_holder, company
from simulator.fake.entities.invoices import QuotaInvoice, quota_invoice
from simulator.fake.entities.people import Person, person
from simulator.fake.entities.places import Address, Place

__all__ = ["Address", "BankCard", "CardHolder", "Company", "Person", "Place", "QuotaInvoice", "bank_card",
           "card_holder", "company", "person", "quota_invoice"]
