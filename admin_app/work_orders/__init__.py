"""work_orders"""
