"""What the simulated users ask: English, Thai, and Thai mixed with English terms."""

QUESTIONS = [
    "How do I extend my tourist visa?", "Where is the immigration office in Bangkok?",
    "How do I get a work permit?", "Which international schools are near Sukhumvit?",
    "How much deposit do landlords ask for?", "Can a foreigner open a bank account?",
    "Do I need to file a tax return in Thailand?", "How do I get from the airport to the city?",
    "ต่อวีซ่าท่องเที่ยวได้ที่ไหนคะ", "เปิดบัญชีธนาคารต้องใช้เอกสารอะไรบ้างครับ",
    "ค่ามัดจำห้องเช่ากี่เดือนคะ", "จดทะเบียนบริษัทต้องทำอย่างไร", "โรงพยาบาลรัฐใกล้สีลมมีที่ไหนบ้าง",
    "ต่อ visa ที่ไหนครับ", "ขอ work permit ต้องใช้เอกสารอะไร",
]
